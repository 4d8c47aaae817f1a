/**
 * Group commit: batches that arrive while an insert is running wait for it and then go
 * into ClickHouse together, as one insert. Consumers working on several partitions at once
 * hand over small batches; this keeps them from paying one insert each.
 *
 * Writes of one {@link GroupCommit} also run one at a time, which is what lets a writer check
 * what is stored before it inserts (see MessageRepository.insert).
 */
export class GroupCommit<Batch, Result> {
  /** Batches waiting for the running write (see flush). */
  private readonly pending: Array<{ batch: Batch; resolve(r: Result): void; reject(e: unknown): void }> = [];
  private flushing = false;
  /** The running flush, awaited by {@link settled}. */
  private running: Promise<void> = Promise.resolve();

  /** `write` stores several batches at once and answers one result per batch, in order. */
  constructor(private readonly write: (batches: readonly Batch[]) => Promise<Result[]>) {}

  /** Resolves once the batch is written, with its own result; rejects if its group's write failed. */
  submit(batch: Batch): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.pending.push({ batch, resolve, reject });
      if (!this.flushing) this.running = this.flush();
    });
  }

  /** Resolves when no write is running (the store waits for this before it closes its client). */
  settled(): Promise<void> {
    return this.running;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length) {
      const group = this.pending.splice(0);
      try {
        const results = await this.write(group.map((w) => w.batch));
        group.forEach((w, i) => w.resolve(results[i]!));
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
    this.flushing = false;
  }
}
