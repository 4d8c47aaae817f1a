/**
 * The server's backfill jobs: a stream created, or changed in its query or sources, gets a job
 * that brings the stored messages of the past window (24 h, or the retention if shorter) in
 * line with the new version (run.ts). Deleting a stream changes nothing in the past: its
 * running job is superseded and the messages keep the tag, unseen, until they expire (a stream
 * created again with the same id gets a job that puts them right).
 *
 * Exactness hinges on one moment per job, the cutoff: messages classified from then on were
 * matched by the new version in every process and are counted live, so the job handles only
 * those classified before it. A saved version reaches a process at its registry's next poll
 * (lib/streams/registry.ts: every `registryPollMs`, plus the read's own time); every process,
 * the distributed runtime's classifier workers included, polls the same `streams` table with
 * the same PULSE_STREAMS_POLL_MS (one ConfigMap), so the cutoff is the save plus one interval
 * plus `propagationMarginMs` for a slow read and clocks apart. A worker whose reads fail keeps
 * matching with the streams it last read; it cannot reach the store to insert either, and its
 * batch is redelivered and classified again later. The job starts `inFlightMs` after the
 * cutoff, once batches classified before it have had time to be stored; a message stored later
 * still is left as it was classified (never counted twice: `messages` and the aggregates always
 * change together).
 *
 * One job runs per stream: a newer version's job first stops the running one (after its chunk)
 * and marks it superseded.
 */
import { log } from '../../log.ts';
import type { BackfillRepository } from '../../store/backfills.ts';
import type { StreamRepository } from '../../store/streams.ts';
import type { StreamRecord } from '../stream.ts';
import type { BackfillJob } from './job.ts';
import { runBackfill, type BackfillDeps, type RunOptions } from './run.ts';

export interface BackfillOptions extends RunOptions {
  /** The registry's poll interval (PULSE_STREAMS_POLL_MS), the same in every process. */
  registryPollMs: number;
  /** Beyond one poll interval: a slow read of the streams, clocks of several hosts apart. */
  propagationMarginMs: number;
  /** How far back a job goes: 24 h, or the retention when shorter. */
  windowMs: number;
}

/** The defaults the server runs with; tests shorten the waits and the chunks. */
export const defaultBackfillTuning = {
  propagationMarginMs: 2_000,
  inFlightMs: 5_000,
  chunkSize: 20_000,
  chunkPauseMs: 20,
} satisfies Partial<BackfillOptions>;

interface Running {
  job: BackfillJob;
  abort: AbortController;
  done: Promise<void>;
}

export class StreamBackfills {
  private readonly running = new Map<string, Running>();
  private stopped = false;

  constructor(
    private readonly deps: BackfillDeps & { jobs: Pick<BackfillRepository, 'save' | 'unfinished'>; streams: Pick<StreamRepository, 'get'> },
    private readonly options: BackfillOptions,
  ) {}

  /**
   * At start: every stream's unfinished job goes on, if its version is still the stream's
   * query and sources; otherwise it is superseded, and the current version gets a job of its
   * own (it was saved, but the server stopped before its job was written).
   */
  async resume(): Promise<void> {
    const unfinished = await this.deps.jobs.unfinished();
    const newest = new Map<string, BackfillJob>();
    for (const job of unfinished) {
      const known = newest.get(job.stream);
      if (known) await this.supersede(known);
      newest.set(job.stream, job);
    }
    for (const job of newest.values()) {
      const current = await this.deps.streams.get(job.stream);
      if (current && !current.deleted && sameMatch(current, job)) {
        log.info({ stream: job.stream, version: job.version, state: job.state, cursor: job.cursor }, 'stream backfill resumed');
        this.start(job);
      } else {
        await this.supersede(job);
        if (current && !current.deleted) await this.saved(current);
      }
    }
  }

  /**
   * The catalog's hook after a version is stored: a job when the query or the sources changed.
   * It never fails the save that called it: a job that cannot be written is logged.
   */
  async saved(stream: StreamRecord, previous?: StreamRecord): Promise<void> {
    if (this.stopped) return;
    try {
      if (stream.deleted) {
        this.running.get(stream.id)?.abort.abort();
        return;
      }
      if (previous && !previous.deleted && sameMatch(previous, stream)) return;
      const savedAt = Date.parse(stream.updatedAt);
      const rangeFrom = new Date(savedAt - this.options.windowMs).toISOString();
      const now = new Date(this.options.now()).toISOString();
      const job: BackfillJob = {
        stream: stream.id, version: stream.version, revision: 1, query: stream.query, sources: stream.sources, state: 'waiting',
        rangeFrom, cutoff: new Date(savedAt + this.options.registryPollMs + this.options.propagationMarginMs).toISOString(), cursor: rangeFrom,
        total: 0, scanned: 0, added: 0, removed: 0, matched: 0, startedAt: now, updatedAt: now,
      };
      await this.deps.jobs.save(job);
      this.start(job);
    } catch (err) {
      log.error({ stream: stream.id, version: stream.version, err: (err as Error).message }, 'stream backfill could not be started');
    }
  }

  /** Stops every job after its current chunk; their rows say where they resume. */
  async stop(): Promise<void> {
    this.stopped = true;
    const running = [...this.running.values()];
    for (const r of running) r.abort.abort();
    await Promise.all(running.map((r) => r.done));
  }

  private start(job: BackfillJob): void {
    const before = this.running.get(job.stream);
    const abort = new AbortController();
    const done = (async () => {
      if (before) {
        before.abort.abort();
        await before.done;
        await this.supersede(before.job);
      }
      if (!abort.signal.aborted) await runBackfill(job, this.deps, this.options, abort.signal);
      // A delete aborts without a successor: the job is over, not waiting for a restart.
      if (abort.signal.aborted && !this.stopped && this.running.get(job.stream)?.job === job) await this.supersede(job);
    })()
      .catch((err: unknown) => log.error({ stream: job.stream, version: job.version, err: (err as Error).message }, 'stream backfill stopped'))
      .finally(() => {
        if (this.running.get(job.stream)?.job === job) this.running.delete(job.stream);
      });
    this.running.set(job.stream, { job, abort, done });
  }

  private async supersede(job: BackfillJob): Promise<void> {
    if (job.state !== 'waiting' && job.state !== 'running') return;
    const now = new Date(this.options.now()).toISOString();
    Object.assign(job, { state: 'superseded', finishedAt: now, updatedAt: now, revision: job.revision + 1 });
    await this.deps.jobs.save(job);
  }
}

/** Whether two versions tag the same messages: the same query and the same sources. */
function sameMatch(a: Pick<StreamRecord, 'query' | 'sources'>, b: Pick<StreamRecord, 'query' | 'sources'>): boolean {
  return a.query === b.query && [...a.sources].sort().join('\n') === [...b.sources].sort().join('\n');
}
