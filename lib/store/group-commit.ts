/**
 * Group commit in two stages: batches that arrive while the store is busy go in together, as
 * one check and one write. Consumers working on several partitions at once hand over batches
 * side by side; this keeps them from paying a check and an insert each.
 *
 * The stages overlap: the next group is checked while the previous one is written (on chdb
 * the lookup and the insert then run on two threads instead of waiting for each other, which
 * made the store the serial bottleneck of the pipeline). Each stage runs one group at a time
 * and writes go in order, so a check sees every earlier write either finished or still
 * running, and `prepare` is told which (see MessageRepository.insert). A group that left
 * something out because the running write was storing it fails if that write fails: what it
 * relied on was never stored. Any other group is written whatever happened before it.
 */
import { PulseError } from '../errors.ts';

/** What {@link GroupCommit} needs of a writer. */
export interface GroupCommitStages<Batch, Prepared, Result> {
  /**
   * Decides what of these batches to write, one group at a time, in order, while at most one
   * earlier write runs; `leansOnRunningWrite`: it left out something that write is storing.
   */
  prepare(batches: readonly Batch[]): Promise<{ prepared: Prepared; leansOnRunningWrite: boolean }>;
  /** Writes a prepared group and answers one result per batch, in order; one write at a time. */
  write(prepared: Prepared): Promise<Result[]>;
  /** The group's write settled, either way (the writer forgets what it was writing). */
  release(prepared: Prepared): void;
}

type Waiter<Batch, Result> = { batch: Batch; resolve(r: Result): void; reject(e: unknown): void };

export class GroupCommit<Batch, Prepared, Result> {
  /** Batches waiting for the running check (see flush). */
  private readonly pending: Array<Waiter<Batch, Result>> = [];
  private flushing = false;
  /** The latest write: resolves true once stored, false when it failed (never rejects). */
  private writing: Promise<boolean> = Promise.resolve(true);
  /** The running flush, awaited by {@link settled}. */
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly stages: GroupCommitStages<Batch, Prepared, Result>) {}

  /** Resolves once the batch is written, with its own result; rejects if its group's check or write failed. */
  submit(batch: Batch): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.pending.push({ batch, resolve, reject });
      if (!this.flushing) this.running = this.flush();
    });
  }

  /** Resolves when nothing is being checked or written (the store waits for this before it closes its client). */
  async settled(): Promise<void> {
    await this.running;
    await this.writing;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length) {
      const group = this.pending.splice(0);
      try {
        const { prepared, leansOnRunningWrite } = await this.stages.prepare(group.map((w) => w.batch));
        const previous = this.writing;
        this.writing = this.write(group, prepared, previous, leansOnRunningWrite);
        // At most one group waits behind the running write: the next check starts once that
        // write is done, so what arrives meanwhile joins one bigger group.
        await previous;
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
    this.flushing = false;
  }

  private async write(group: Array<Waiter<Batch, Result>>, prepared: Prepared, previous: Promise<boolean>, leans: boolean): Promise<boolean> {
    try {
      if (!(await previous) && leans) throw new PulseError('STORE_QUERY_FAILED', 'an earlier write this batch relied on failed; it will be written again');
      const results = await this.stages.write(prepared);
      group.forEach((w, i) => w.resolve(results[i]!));
      return true;
    } catch (err) {
      for (const w of group) w.reject(err);
      return false;
    } finally {
      this.stages.release(prepared);
    }
  }
}
