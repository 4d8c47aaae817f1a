/**
 * Graceful stop, shared by the server and the worker processes: the draining state that ingest
 * admission and the health probe read ({@link Drain}), the one grace every step of the ordered
 * stop shares (`PULSE_SHUTDOWN_GRACE_MS`, {@link Deadline}), and the signal handling of an
 * entry point ({@link exitOnStopSignals}).
 */
import os from 'node:os';
import { RetryLaterError } from './errors.ts';
import { log } from './log.ts';

/**
 * What a refused sender is told to wait: about what a restart takes (model and store open in
 * a few seconds), so that a retry lands on the next instance rather than on this one's drain.
 */
const retryAfterSeconds = 5;

/**
 * Once a stop begins, new ingest is refused (503 SHUTTING_DOWN + Retry-After) while what was
 * admitted before it finishes: the stop waits for {@link idle} before it stops the stages.
 */
export class Drain {
  private why: string | undefined;
  private running = 0;
  private readonly waiters: Array<() => void> = [];

  /** Why the process is stopping; undefined while it serves. */
  get reason(): string | undefined {
    return this.why;
  }

  /** Requests and frames admitted and not finished yet. */
  get inFlight(): number {
    return this.running;
  }

  /** Starts draining; the first reason stays. */
  begin(reason: string): void {
    this.why ??= reason;
  }

  /** SHUTTING_DOWN once draining. */
  check(): void {
    if (this.why !== undefined) {
      throw new RetryLaterError('SHUTTING_DOWN', `${this.why}: not accepting new work; retry in ${retryAfterSeconds} s`, retryAfterSeconds);
    }
  }

  /** Counts one piece of work in flight until the returned `leave` is called (once); SHUTTING_DOWN once draining. */
  enter(): () => void {
    this.check();
    this.running++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (--this.running === 0) for (const wake of this.waiters.splice(0)) wake();
    };
  }

  /** Resolves when nothing entered is still running. */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** What a stop ends within a grace: a stage, a bus member, the live feed. */
export interface Stoppable {
  /** Finishes what is in flight within `graceMs`, then cuts the rest short. */
  stop(options: { graceMs: number }): Promise<void>;
}

/** The grace of one stop: every step gets what the steps before it left. */
export class Deadline {
  private readonly at: number;

  constructor(
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.at = now() + graceMs;
  }

  /** Milliseconds left, never below 0. */
  left(): number {
    return Math.max(0, this.at - this.now());
  }

  /** Waits for `work` until the deadline: false when the deadline came first (the work goes on unwatched). */
  async wait(work: Promise<unknown>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.left());
    });
    try {
      return await Promise.race([work.then(() => true as const), expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops `stage` (if there is one) with what is left of the grace; when the grace is spent by
   * the time it has stopped, says that it cut short whatever it still had in flight. (A stop
   * without any grace is meant to be immediate, and says nothing.)
   */
  async stop(name: string, stage: Stoppable | undefined): Promise<void> {
    if (!stage) return;
    const graceMs = this.left();
    await stage.stop({ graceMs });
    if (this.graceMs > 0 && this.left() === 0) {
      log.warn({ step: name, graceMs }, 'shutdown grace spent: this step cut short what it still had in flight (uncommitted work is redelivered after the next start)');
    }
  }
}

/**
 * SIGTERM / SIGINT run `stop` once, then the process exits 0 (1 when `stop` failed). A second
 * signal during the stop exits at once with 128 + its number (130 for SIGINT): an operator
 * who will not wait for the drain must be able to end it.
 */
export function exitOnStopSignals(what: string, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, `${what}: second signal during the graceful stop; exiting now, without finishing it`);
      process.exit(128 + os.constants.signals[signal]);
    }
    stopping = true;
    log.info({ signal }, `${what} stopping gracefully (a second ${signal} exits at once)`);
    const started = Date.now();
    stop().then(
      () => {
        log.info({ ms: Date.now() - started }, `${what} stopped`);
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, `${what}: stop failed`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
