/**
 * Each message's own ingest → visible latency for `bench:pipeline`. Every POST carries a source
 * of its own, and one `/api/sources` query per poll counts the stored messages of each POST, so a
 * message newly counted is matched to its own POST's send time.
 *
 * Why not one source and a running count, as before: taking the k-th message counted as the
 * k-th sent assumes first in, first out, and batches of several partitions are written out of
 * order (a message that waited for its partition's batch in flight lands after later messages
 * of other partitions). Both readings of the same runs (5,250 msgs/s, 2 cores, three runs): p99
 * 820 / 696 / 731 ms first in, first out against 936 / 834 / 891 ms per message; of the messages
 * sent after the first 3 s, 644 / 583 / 638 against 690 / 627 / 678 ms.
 */
import { z } from 'zod';

const Sources = z.object({ sources: z.array(z.object({ source: z.string(), count: z.number() })) });

/** `/api/sources` answers at most this many sources (MaxPageSize). */
const sourcesPerAnswer = 1000;
/** POSTs one poll asks about: room under that limit for those sent in the same second as the last. */
const postsPerPoll = 900;

interface Post {
  /** performance.now() when its body was made: its messages' latency runs from here. */
  sentAt: number;
  /** Date.now() at the same moment: the stored messages' timestamps are the server's receive time, later than this. */
  sentWall: number;
  messages: number;
  visible: number;
}

export class PostVisibility {
  private readonly posts: Post[] = [];
  private sentMessages = 0;
  /** The first POST not wholly visible yet: polls look from here on. */
  private firstOpen = 0;
  /** Each visible message's send time and latency (ms), in the order they were seen. */
  readonly seen: Array<{ sentAt: number; latencyMs: number }> = [];

  constructor(
    private readonly url: string,
    /** The run's prefix: a POST's source is `${run}-${index}`. */
    private readonly run: string,
  ) {}

  /** Notes a POST of `messages` about to be sent; returns the source its messages carry. */
  add(messages: number): string {
    this.posts.push({ sentAt: performance.now(), sentWall: Date.now(), messages, visible: 0 });
    this.sentMessages += messages;
    return `${this.run}-${this.posts.length - 1}`;
  }

  get sent(): number {
    return this.sentMessages;
  }

  get visible(): number {
    return this.seen.length;
  }

  /**
   * Asks which of the open POSTs' messages are stored now and records each new one as visible
   * at this moment. The time range starts a second before the first open POST was sent and ends
   * where the {@link postsPerPoll}-th POST after it was made, so the answer's source limit
   * cannot leave an open POST out however far behind the server is.
   */
  async poll(): Promise<void> {
    const open = this.posts.slice(this.firstOpen, this.firstOpen + postsPerPoll);
    if (!open.length) return;
    const from = new Date(open[0]!.sentWall - 1000);
    const to = new Date(this.posts[this.firstOpen + postsPerPoll]?.sentWall ?? Date.now() + 60_000);
    const res = await fetch(`${this.url}/api/sources?from=${from.toISOString()}&to=${to.toISOString()}&limit=${sourcesPerAnswer}`);
    const counts = new Map(Sources.parse(await res.json()).sources.map((s) => [s.source, s.count]));
    const now = performance.now();
    open.forEach((post, i) => {
      const count = Math.min(post.messages, counts.get(`${this.run}-${this.firstOpen + i}`) ?? 0);
      for (; post.visible < count; post.visible++) this.seen.push({ sentAt: post.sentAt, latencyMs: now - post.sentAt });
    });
    while (this.firstOpen < this.posts.length && this.posts[this.firstOpen]!.visible === this.posts[this.firstOpen]!.messages) this.firstOpen++;
  }
}
