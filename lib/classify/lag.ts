/**
 * The classify stage's consumer lag: raw messages published but not yet committed by the
 * classifier group, over all partitions and all processes. One reader per process polls the bus
 * and everything that needs the figure reads its latest reading: the ingest backlog gate, the
 * health probe (`/api/health` and the live status), and the lag gauge. Before, each of them
 * asked the bus on its own; on Kafka every ask is two admin requests.
 */
import type { Bus } from '../bus/bus.ts';
import { Topics } from '../bus/topics.ts';
import { answerWithin } from '../timeout.ts';

/** The consumer group of the classify stage: its members share the raw topic's partitions. */
export const ClassifierGroup = 'pulse-classifier';

export type LagReading = { ok: true; lag: number; at: number } | { ok: false; error: string; at: number };

export interface ClassifierLagOptions {
  /** How often the bus is asked (while anybody reads); the ingest gate acts on readings this old. */
  intervalMs?: number;
  /** A read that takes longer counts as failed: a broker that does not answer is an error, not a wait. */
  timeoutMs?: number;
  /** Sees every reading (the lag gauge). */
  onReading?(reading: LagReading): void;
}

export class ClassifierLag {
  private last: LagReading | undefined;
  /** The last successful reading: a failed read does not make the backlog look empty. */
  private lastOk: number | undefined;
  private reading: Promise<LagReading> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly bus: Pick<Bus, 'lag'>,
    private readonly options: ClassifierLagOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? 2_000;
  }

  /** Starts polling; the first reading is taken at once. */
  start(): this {
    if (!this.timer && !this.stopped) {
      void this.read();
      this.timer = setInterval(() => void this.read(), this.intervalMs);
      this.timer.unref();
    }
    return this;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** The latest reading, if one was taken yet. */
  get latest(): LagReading | undefined {
    return this.last;
  }

  /** The latest lag that was read successfully (undefined before the first). */
  get backlog(): number | undefined {
    return this.lastOk;
  }

  /**
   * A reading no older than the poll interval: the latest one when it is fresh, else the one
   * being taken (one bus request however many callers wait for it).
   */
  async fresh(): Promise<LagReading> {
    if (this.last && Date.now() - this.last.at <= this.intervalMs) return this.last;
    return this.read();
  }

  private read(): Promise<LagReading> {
    this.reading ??= this.ask().then((reading) => {
      this.last = reading;
      if (reading.ok) this.lastOk = reading.lag;
      this.reading = undefined;
      this.options.onReading?.(reading);
      return reading;
    });
    return this.reading;
  }

  private async ask(): Promise<LagReading> {
    try {
      const lag = await answerWithin(this.bus.lag(ClassifierGroup, Topics.raw), this.timeoutMs);
      return { ok: true, lag, at: Date.now() };
    } catch (err) {
      return { ok: false, error: (err as Error).message, at: Date.now() };
    }
  }
}
