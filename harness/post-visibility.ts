/**
 * What `bench:pipeline` reads through the public API while it sends: how many of its messages
 * are stored, and sampled messages' own ingest → visible latency. The first few messages of every
 * POST are probes with a source of the POST's own; the others share the run's source. One
 * `/api/sources` query per poll counts the stored messages of every source of the run (the
 * per-second aggregate is written in the same insert as the rows), so a probe newly counted is
 * matched to its own POST's send time.
 *
 * Why probes: taking the k-th message counted as the k-th sent, as the bench did before, assumes
 * first in, first out, and batches of several partitions are written out of order (a message
 * that waited for its partition's batch in flight lands after later messages of other
 * partitions). Both readings of the same runs (5,250 msgs/s, 2 cores, three runs): p99 820 / 696 /
 * 731 ms first in, first out against 936 / 834 / 891 ms per message. Why only a few messages per
 * POST: the top terms' aggregate keeps a row per source and term, and with every message under a
 * source of its POST's (20 a second) the engine's merges grew (`--max`: ClickHouse's threads 46 %
 * of a core against 32 %, sustained 10,317 against 11,106 msgs/s); a deployment has a handful of
 * sources, not thousands. A few per POST still sample every POST, so the p99 is not one POST's.
 */
import { z } from 'zod';

const Sources = z.object({ sources: z.array(z.object({ source: z.string(), count: z.number() })) });

/** Probes per POST: at 5,250 msgs/s in POSTs of 263, 4 % of the messages, 200 a second. */
const probesPerPost = 10;
/**
 * Probe sources, reused in turn: POSTs n and n + {@link lanes} share one, 25 s apart at 20 POSTs a
 * second, and its count fills the earlier POST first. With the run's own source they stay under
 * what one `/api/sources` answer holds (MaxPageSize, 1000).
 */
const lanes = 500;

interface Probe {
  /** performance.now() when its POST's body was made: its probes' latency runs from here. */
  sentAt: number;
  messages: number;
  visible: number;
}

export class PostVisibility {
  private sentMessages = 0;
  private visibleMessages = 0;
  /** Per lane, its POSTs' probes in the order sent. */
  private readonly lanes: Probe[][] = [];
  private posts = 0;
  private readonly from = new Date(Date.now() - 1000);
  /** Each probe's send time and latency (ms), in the order they were seen. */
  readonly seen: Array<{ sentAt: number; latencyMs: number }> = [];

  constructor(
    private readonly url: string,
    /** The run's source; a lane's is `${run}-${lane}`. */
    private readonly run: string,
  ) {}

  /** Notes a POST of `messages` about to be sent; returns the source of each of its messages. */
  add(messages: number): string[] {
    const lane = this.posts++ % lanes;
    const probes = Math.min(messages, probesPerPost);
    (this.lanes[lane] ??= []).push({ sentAt: performance.now(), messages: probes, visible: 0 });
    this.sentMessages += messages;
    return Array.from({ length: messages }, (_, i) => (i < probes ? `${this.run}-${lane}` : this.run));
  }

  get sent(): number {
    return this.sentMessages;
  }

  get visible(): number {
    return this.visibleMessages;
  }

  /** Counts the run's stored messages and records each probe newly stored as visible now. */
  async poll(): Promise<void> {
    if (!this.sentMessages) return;
    const to = new Date(Date.now() + 60_000);
    const res = await fetch(`${this.url}/api/sources?from=${this.from.toISOString()}&to=${to.toISOString()}&limit=${lanes + 1}`);
    const counts = new Map(Sources.parse(await res.json()).sources.map((s) => [s.source, s.count]));
    const now = performance.now();
    let visible = counts.get(this.run) ?? 0;
    this.lanes.forEach((probes, lane) => {
      let count = counts.get(`${this.run}-${lane}`) ?? 0;
      visible += count;
      for (const probe of probes) {
        const mine = Math.min(probe.messages, count);
        count -= mine;
        for (; probe.visible < mine; probe.visible++) this.seen.push({ sentAt: probe.sentAt, latencyMs: now - probe.sentAt });
      }
    });
    this.visibleMessages = Math.min(visible, this.sentMessages);
  }
}
