/**
 * What a Kafka member does between a fetch and a commit. kafkajs fetches the next records only
 * once `eachBatch` has returned, and librdkafka's mock cluster (the tests' and benchmarks'
 * broker) answers a fetch with one produced record batch per partition, a few dozen records:
 * a member that handled each fetch before the next one waited for the broker between batches
 * and paid a whole insert and commit for each small one. Here a fetch only queues its records
 * and returns, so fetching goes on while earlier records are handled, and the handler gets
 * what accumulated, up to `maxBatch` per call.
 *
 * A `pipelined` member behind on a partition also overlaps that partition's batches: while one
 * call runs (its insert, say), the next full batch is already handed to the handler (its
 * inference), two calls at most. A classifier with few partitions (a Kafka deployment spreads a
 * topic's partitions over its workers, so each holds two or three) otherwise left its inference
 * threads idle through every insert. Below a full batch a partition keeps one call at a time.
 *
 * The delivery guarantee is unchanged: per partition calls take the records in offset order, and
 * each commits (the offset after its last record) only once its handler has resolved and the
 * call before it has committed; a failed call is offered again after a back-off, the same records
 * first, and the calls after it in flight commit nothing (their records follow it again). A
 * rebalance or a stop drops what was queued and not handled (it was not committed, so the
 * partition's next owner reads it again), and a call still running then commits nothing when it ends.
 */
import { log } from '../log.ts';
import { Deadline } from '../shutdown.ts';
import type { RawInRecord, TransportConsumeOptions } from './bus.ts';
import { retryBackoffMs } from './options.ts';

type HandlerOptions = Pick<TransportConsumeOptions, 'group' | 'topic' | 'maxBatch' | 'maxWaitMs' | 'maxInFlightRecords' | 'pipelined' | 'handler'>;

interface Queue {
  /** Fetched and not yet committed, in offset order; calls in flight hold the first `dispatched`. */
  records: RawInRecord[];
  dispatched: number;
  /** When its oldest record was queued: it waits at most `maxWaitMs` for company. */
  oldestAt: number;
  /** Calls in flight, and whether the newest of them has committed (false: it failed or follows one that did). */
  calls: number;
  newest: Promise<boolean>;
  /** A call failed: no new call until those in flight have ended, then the records again from the first. */
  broken: boolean;
  failures: number;
  retryAt: number;
}

/** How often a fetch held back by a full queue tells the group coordinator it is alive. */
const heartbeatEveryMs = 1000;

export class PartitionQueues {
  private readonly queues = new Map<number, Queue>();
  /** Bumped by a rebalance or a stop: a call that began before commits nothing. */
  private generation = 0;
  private readonly running = new Set<Promise<void>>();
  /** Records in handler calls now: what `maxInFlightRecords` bounds. */
  private inFlight = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly roomWaiters = new Set<() => void>();
  /** Where the next scan begins, so that a busy partition does not keep the others waiting. */
  private scanFrom = 0;
  /** Calls in flight per partition at most: two when pipelined (one handled while the next one's batch is prepared). */
  private readonly callsPerPartition: number;

  constructor(
    private readonly options: HandlerOptions,
    /** Commits `offset`, the next one to read, of `partition` for the group. */
    private readonly commit: (partition: number, offset: string) => Promise<void>,
  ) {
    this.callsPerPartition = options.pipelined ? 2 : 1;
  }

  /** Queues fetched records of one partition, in offset order. */
  push(partition: number, records: RawInRecord[]): void {
    if (this.stopped || !records.length) return;
    let q = this.queues.get(partition);
    if (!q) {
      q = { records: [], dispatched: 0, oldestAt: 0, calls: 0, newest: Promise.resolve(true), broken: false, failures: 0, retryAt: 0 };
      this.queues.set(partition, q);
    }
    if (!q.records.length) q.oldestAt = Date.now();
    q.records.push(...records);
    this.schedule();
  }

  /**
   * Resolves once the partition holds fewer than a few batches, so that fetching does not run
   * ahead of a slow or failing handler without bound; heartbeats while it waits, and gives up
   * as soon as `wanted` turns false (the batch went stale, the member stops). A heartbeat that
   * fails (the group is rebalancing) rejects: kafkajs rejoins only once `eachBatch` returns,
   * and until it has rejoined, the handler's commits are refused and the queue cannot drain.
   */
  async room(partition: number, wanted: () => boolean, heartbeat: () => Promise<void>): Promise<void> {
    // Fetching runs one batch ahead of the calls in flight.
    const limit = (this.callsPerPartition + 1) * this.options.maxBatch;
    while (wanted() && !this.stopped && (this.queues.get(partition)?.records.length ?? 0) >= limit) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.roomWaiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, heartbeatEveryMs);
        this.roomWaiters.add(done);
      });
      await heartbeat();
    }
  }

  /** The partitions were assigned anew: what was queued under the old assignment is dropped. */
  reset(): void {
    this.generation++;
    this.queues.clear();
    this.wakeRoom();
  }

  /**
   * Takes no new call; calls running get up to `graceMs` to resolve and commit; then the rest
   * is dropped uncommitted, and a call still running commits nothing when it ends.
   */
  async stop(graceMs = 0): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (graceMs > 0 && this.running.size) await new Deadline(graceMs).wait(Promise.allSettled(this.running));
    this.reset();
  }

  /** Starts a call on every partition that is ready, within the member's width; arms a timer for the next one. */
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    const { maxBatch, maxWaitMs, maxInFlightRecords = Infinity } = this.options;
    const now = Date.now();
    // An idle member takes what is there at once: lingering pays only while calls run, and
    // then the records that arrive meanwhile make the next batch bigger.
    const idle = this.inFlight === 0;
    const partitions = [...this.queues.keys()].sort((a, b) => a - b);
    let readyAt = Infinity;
    for (let i = 0; i < partitions.length && this.inFlight < maxInFlightRecords; i++) {
      const partition = partitions[(this.scanFrom + i) % partitions.length]!;
      const q = this.queues.get(partition)!;
      while (!q.broken && q.calls < this.callsPerPartition && this.inFlight < maxInFlightRecords) {
        const waiting = q.records.length - q.dispatched;
        // A second call only for a full batch: overlapping pays when the member is behind, and
        // below that it would split what one call takes into smaller, costlier batches.
        if (!waiting || (q.calls > 0 && waiting < maxBatch)) break;
        const startAt = Math.max(q.retryAt, idle || waiting >= maxBatch ? 0 : q.oldestAt + maxWaitMs);
        if (startAt > now) {
          readyAt = Math.min(readyAt, startAt);
          break;
        }
        this.scanFrom = (this.scanFrom + i + 1) % partitions.length;
        const call = this.handle(partition, q).finally(() => this.running.delete(call));
        this.running.add(call);
      }
    }
    if (readyAt < Infinity) this.timer = setTimeout(() => this.schedule(), readyAt - now);
  }

  private async handle(partition: number, q: Queue): Promise<void> {
    const { group, topic, handler, maxBatch } = this.options;
    const generation = this.generation;
    const records = q.records.slice(q.dispatched, q.dispatched + maxBatch);
    q.dispatched += records.length;
    q.calls++;
    this.inFlight += records.length;
    const previous = q.newest;
    let settle!: (committed: boolean) => void;
    q.newest = new Promise((resolve) => (settle = resolve));
    let committed = false;
    try {
      let ok = true;
      try {
        await handler(records);
      } catch (err) {
        ok = false;
        if (generation === this.generation) {
          log.warn({ err, group, topic, partition, offset: records[0]!.offset, records: records.length }, 'bus handler failed; the batch will be delivered again');
        }
      }
      // Commits go in offset order: this one waits for the call before it on the partition.
      const previousCommitted = await previous;
      if (generation !== this.generation) return;
      if (!ok || !previousCommitted) {
        if (!ok) q.retryAt = Date.now() + retryBackoffMs(++q.failures);
        q.broken = true;
        return;
      }
      q.failures = 0;
      q.retryAt = 0;
      try {
        await this.commit(partition, (BigInt(records[records.length - 1]!.offset) + 1n).toString());
      } catch (err) {
        // Handled and durable, not committed: the partition's next owner (this member again,
        // after the rebalance that refused the commit) reads these records once more.
        log.warn({ err, group, topic, partition }, 'bus commit failed; the batch will be delivered again');
      }
      if (generation !== this.generation) return;
      q.records.splice(0, records.length);
      q.dispatched -= records.length;
      committed = true;
      // What is left arrived while this call ran: the member is behind, it waits no longer.
      q.oldestAt = 0;
    } finally {
      settle(committed);
      q.calls--;
      if (q.broken && !q.calls) {
        // Every call after the failed one has ended uncommitted: all of them again, from the first record.
        q.broken = false;
        q.dispatched = 0;
        q.newest = Promise.resolve(true);
      }
      this.inFlight -= records.length;
      this.wakeRoom();
      this.schedule();
    }
  }

  private wakeRoom(): void {
    for (const wake of this.roomWaiters) wake();
  }
}
