/**
 * Classifier worker processes on this host, as a set that grows and shrinks one at a time (the
 * supervisor's {@link ScaleTarget}, lib/classify/supervisor.ts). Each child runs one entry script
 * (`workers/classifier.ts`) in a slot 1…n that gives it its own PULSE_METRICS_PORT (base + slot),
 * so that children do not collide on one port and the ports stay few and predictable. Their
 * stdout and stderr lines come out on the supervisor's, prefixed with the slot.
 *
 * A child that dies without being asked is replaced in its slot after a back-off that doubles
 * while children keep dying young. A step down sends SIGTERM to the newest slot's child, which
 * finishes and commits its batches within its grace (workers/worker-process.ts) and exits; one
 * that is still there well after the grace is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { log } from '../log.ts';
import { repoRoot } from '../paths.ts';
import type { ScaleTarget } from './scaler.ts';

export interface RestartBackoff {
  /** The first replacement waits this long … */
  initialMs: number;
  /** … and each one after a child that died young twice as long, up to this. */
  maxMs: number;
  /** A child that ran this long was not dying young: the next replacement waits `initialMs` again. */
  healthyAfterMs: number;
}

export interface ClassifierProcessesOptions {
  /** The script each child runs (with tsx): workers/classifier.ts; a stand-in in tests. */
  entry: string;
  /** Slot n's child listens on base + n (the supervisor's own /metrics is on base). */
  metricsPortBase: number;
  /** The children's PULSE_SHUTDOWN_GRACE_MS: how long a stopped child may take to commit its work. */
  graceMs: number;
  /** The children's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  restart?: Partial<RestartBackoff>;
  /** Where the children's lines go (default: this process's stdout and stderr). */
  output?: { stdout: Writable; stderr: Writable };
  /** Called whenever the number of running children changes (the members gauge). */
  onRunning?(running: number): void;
}

const defaultBackoff: RestartBackoff = { initialMs: 1000, maxMs: 30_000, healthyAfterMs: 60_000 };
/** Past its grace, a stopped child still closes its store and bus: this long more before it is killed. */
const killMarginMs = 5_000;

interface Slot {
  n: number;
  child: ChildProcess | undefined;
  startedAt: number;
  exited: Promise<void>;
  /** Set when the supervisor stops this child: its exit is not a death to replace. */
  stopping: boolean;
  /** Replacements in a row of children that died young. */
  deaths: number;
  restartTimer: NodeJS.Timeout | undefined;
}

export class ClassifierProcesses implements ScaleTarget {
  /** By slot number; a slot is held while its child runs and while its replacement waits. */
  private readonly slots = new Map<number, Slot>();
  private readonly backoff: RestartBackoff;
  private closed = false;
  /** No child outlives a supervisor that exits without stopping them (a second signal, a crash). */
  private readonly killAll = () => {
    for (const slot of this.slots.values()) slot.child?.kill('SIGKILL');
  };

  constructor(private readonly options: ClassifierProcessesOptions) {
    this.backoff = { ...defaultBackoff, ...options.restart };
    process.on('exit', this.killAll);
  }

  /** Children this set holds, running or waiting to be replaced: what the scaling policy counts. */
  get members(): number {
    return this.slots.size;
  }

  /** Children running now. */
  get running(): number {
    return [...this.slots.values()].filter((s) => s.child).length;
  }

  /** The running children, by slot (for logs and tests). */
  children(): Array<{ slot: number; pid: number }> {
    return [...this.slots.values()].flatMap((s) => (s.child?.pid ? [{ slot: s.n, pid: s.child.pid }] : []));
  }

  /** Starts a child in the lowest free slot; resolves once it has started (it then joins the group on its own). */
  async add(): Promise<boolean> {
    if (this.closed) return false;
    let n = 1;
    while (this.slots.has(n)) n++;
    const slot: Slot = { n, child: undefined, startedAt: 0, exited: Promise.resolve(), stopping: false, deaths: 0, restartTimer: undefined };
    this.slots.set(n, slot);
    await this.launch(slot);
    return true;
  }

  /** Stops the newest slot's child gracefully (or cancels its pending replacement); resolves once it has exited. */
  async remove(): Promise<boolean> {
    const newest = Math.max(...this.slots.keys());
    const slot = this.slots.get(newest);
    if (!slot) return false;
    await this.retire(slot);
    return true;
  }

  /** Stops every child gracefully, side by side; none is started or replaced after this. */
  async stop(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.slots.values()].map((slot) => this.retire(slot)));
    process.off('exit', this.killAll);
  }

  private async retire(slot: Slot): Promise<void> {
    this.slots.delete(slot.n);
    slot.stopping = true;
    clearTimeout(slot.restartTimer);
    const child = slot.child;
    if (!child) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => {
      log.warn({ slot: slot.n, childPid: child.pid, graceMs: this.options.graceMs }, 'classifier process still running well past its grace; killing it');
      child.kill('SIGKILL');
    }, this.options.graceMs + killMarginMs);
    await slot.exited;
    clearTimeout(killer);
  }

  private launch(slot: Slot): Promise<void> {
    const port = this.options.metricsPortBase + slot.n;
    const child = spawn(process.execPath, ['--import', 'tsx', this.options.entry], {
      cwd: repoRoot,
      env: { ...(this.options.env ?? process.env), PULSE_METRICS_PORT: String(port), PULSE_SHUTDOWN_GRACE_MS: String(this.options.graceMs) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    slot.child = child;
    slot.startedAt = Date.now();
    const output = this.options.output ?? { stdout: process.stdout, stderr: process.stderr };
    const prefix = `[classifier-${slot.n}] `;
    createInterface({ input: child.stdout! }).on('line', (line) => output.stdout.write(prefix + line + '\n'));
    createInterface({ input: child.stderr! }).on('line', (line) => output.stderr.write(prefix + line + '\n'));
    slot.exited = new Promise((resolve) => {
      // 'close', not 'exit': the last lines of its output have been passed on by then.
      child.once('close', (code, signal) => {
        slot.child = undefined;
        this.options.onRunning?.(this.running);
        if (!slot.stopping) this.replace(slot, code, signal);
        else log.info({ slot: slot.n, childPid: child.pid, code, signal }, 'classifier process stopped');
        resolve();
      });
    });
    return new Promise((resolve) => {
      const started = () => {
        child.off('error', failed);
        log.info({ slot: slot.n, childPid: child.pid, metricsPort: port }, 'classifier process started');
        this.options.onRunning?.(this.running);
        resolve();
      };
      // A child that cannot even start (no such executable) is a death like any other: replaced after the back-off.
      const failed = (err: Error) => {
        child.off('spawn', started);
        log.error({ slot: slot.n, err: err.message }, 'classifier process could not start');
        resolve();
      };
      child.once('spawn', started);
      child.once('error', failed);
    });
  }

  private replace(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.closed || this.slots.get(slot.n) !== slot) return;
    const lived = Date.now() - slot.startedAt;
    slot.deaths = lived >= this.backoff.healthyAfterMs ? 0 : slot.deaths + 1;
    const delayMs = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.max(0, slot.deaths - 1));
    log.warn({ slot: slot.n, code, signal, livedMs: lived, delayMs }, 'classifier process died unexpectedly; replacing it');
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      void this.launch(slot);
    }, delayMs);
  }
}
