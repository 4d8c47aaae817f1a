/**
 * Group commit: batches that arrive while an insert is running wait for it and then go
 * into ClickHouse together, as one insert. Consumers working on several partitions at once
 * hand over small batches; this keeps them from paying one insert each.
 *
 * Writes of one {@link GroupCommit} also run one at a time, which is what lets a writer check
 * what is stored before it inserts (see MessageRepository.insert).
 */
export interface GroupCommitPacing {
  /**
   * A write starts at least this long after the previous one started. An insert costs
   * ClickHouse about the same whatever its size up to a few thousand rows (a part per table
   * and per materialized view), so back-to-back inserts of a few rows each keep the engine busy
   * for nothing (the messages writer's figures: lib/store/messages.ts, `insertPacing`).
   */
  spacingMs: number;
  /** Rows waiting that make a write start at once: under load nothing waits for the spacing. */
  enoughRows: number;
}

/** Back-to-back writes: each starts as soon as the previous one ends. */
const unpaced: GroupCommitPacing = { spacingMs: 0, enoughRows: 0 };

export class GroupCommit<Row, Result> {
  /** Batches waiting for the running write (see flush). */
  private readonly pending: Array<{ batch: readonly Row[]; resolve(r: Result): void; reject(e: unknown): void }> = [];
  private pendingRows = 0;
  private flushing = false;
  /** When the last write started (performance.now()). */
  private lastStart = -Infinity;
  /** Ends the wait for the spacing early (set only while flush waits). */
  private startNow: (() => void) | undefined;
  /** The running flush, awaited by {@link settled}. */
  private running: Promise<void> = Promise.resolve();

  /** `write` stores several batches at once and answers one result per batch, in order. */
  constructor(
    private readonly write: (batches: ReadonlyArray<readonly Row[]>) => Promise<Result[]>,
    private readonly pacing: GroupCommitPacing = unpaced,
  ) {}

  /** Resolves once the batch is written, with its own result; rejects if its group's write failed. */
  submit(batch: readonly Row[]): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.pending.push({ batch, resolve, reject });
      this.pendingRows += batch.length;
      if (this.pendingRows >= this.pacing.enoughRows) this.startNow?.();
      if (!this.flushing) this.running = this.flush();
    });
  }

  /** Resolves when no write is running or waiting (the store waits for this before it closes its client). */
  settled(): Promise<void> {
    return this.running;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length) {
      // Awaited only when there is something to wait for: the first write of a quiet
      // writer starts in the same turn as its submit, with that batch alone.
      const left = this.spacingLeft();
      if (left > 0) await this.waitOut(left);
      this.lastStart = performance.now();
      const group = this.pending.splice(0);
      this.pendingRows = 0;
      try {
        const results = await this.write(group.map((w) => w.batch));
        group.forEach((w, i) => w.resolve(results[i]!));
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
    this.flushing = false;
  }

  /** Milliseconds the next write should wait: 0 once the spacing has passed or enough rows wait. */
  private spacingLeft(): number {
    if (this.pendingRows >= this.pacing.enoughRows) return 0;
    return Math.max(0, this.lastStart + this.pacing.spacingMs - performance.now());
  }

  /** Waits `ms`, or less if enough rows become pending meanwhile. */
  private async waitOut(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.startNow = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.startNow = undefined;
  }
}
