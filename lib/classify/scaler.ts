/**
 * Makes a set of classifier members follow the lag: each new reading of the process's lag reader
 * (lib/classify/lag.ts) goes to the {@link ScalePolicy}, and a step it answers is applied to the
 * set — in-process members (service.ts) or classifier processes (supervisor.ts) — one step at a
 * time, logged, counted in `pulse_classifier_scale_events_total` and kept as the last step for
 * the live status.
 */
import type { ClassifierScaleStep } from '../contracts/live.ts';
import { log } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { ScalePolicy, ScaleStep } from './autoscale.ts';
import type { LagReading } from './lag.ts';

/** The set a scaler grows and shrinks. */
export interface ScaleTarget {
  /** Members it has, counting those it is bringing up (what the policy weighs). */
  readonly members: number;
  /** Adds one member; resolves once it has joined: false when the set stopped meanwhile (no member added). */
  add(): Promise<boolean>;
  /** Removes one member gracefully; resolves once it has left: false when there was none to remove. */
  remove(): Promise<boolean>;
}

export interface LagFollowerOptions {
  /** How often the reader's latest reading is looked at; each reading is taken once. */
  pollMs?: number;
  /** Names the set in logs ("in-process classifier members", "classifier processes"). */
  what: string;
}

export class LagFollower {
  private timer: NodeJS.Timeout | undefined;
  /** The step being applied; none is decided meanwhile. */
  private stepping: Promise<void> | undefined;
  private seenAt = -Infinity;
  private last: ClassifierScaleStep | null = null;
  private stopped = false;

  constructor(
    private readonly policy: ScalePolicy,
    private readonly readings: { readonly latest: LagReading | undefined },
    private readonly target: ScaleTarget,
    private readonly scaleEvents: Metrics['scaleEvents'],
    private readonly options: LagFollowerOptions,
  ) {}

  /** The latest step taken; null before the first. */
  get lastScale(): ClassifierScaleStep | null {
    return this.last;
  }

  start(): this {
    if (!this.timer && !this.stopped) {
      this.timer = setInterval(() => this.look(), this.options.pollMs ?? 250);
      this.timer.unref();
    }
    return this;
  }

  /** No step is decided from now on; resolves once the step under way (if any) has settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.stepping;
  }

  private look(): void {
    const reading = this.readings.latest;
    if (this.stopped || this.stepping || !reading || reading.at <= this.seenAt) return;
    this.seenAt = reading.at;
    const step = this.policy.observe(reading, this.target.members);
    if (step) {
      this.stepping = this.apply(step).finally(() => {
        this.stepping = undefined;
      });
    }
  }

  private async apply(step: ScaleStep): Promise<void> {
    const started = Date.now();
    let taken: boolean;
    try {
      taken = await (step.direction === 'up' ? this.target.add() : this.target.remove());
    } catch (err) {
      // The policy restarted its period at this step: it tries again after another one.
      log.error({ ...step, err: (err as Error).message }, `${this.options.what}: scale step failed`);
      return;
    }
    if (!taken) return;
    this.last = { ...step, at: new Date(started).toISOString() };
    this.scaleEvents.inc({ direction: step.direction });
    log.info({ ...step, ms: Date.now() - started }, `${this.options.what}: scaled ${step.direction} from ${step.from} to ${step.to}`);
  }
}

