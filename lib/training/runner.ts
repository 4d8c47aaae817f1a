/**
 * The trainer: runs the training jobs the API queued (lib/training/jobs.ts), one at a time.
 * Every second it reads the store: the oldest queued job when it runs none, else whether a
 * cancellation was asked for its job. A job runs in its own process (./job-process.ts, which
 * runs models/train/finetune.py), never on this process's event loop; this side reads what to
 * train on from the store, hands it over as a file, stores every state the process reports
 * (one row per change: lib/store/training-jobs.ts), registers the model it wrote, and audits
 * what came of it. Exactly one trainer per deployment (the server's, or `workers/trainer.ts`
 * where the server's is off: lib/runtime.ts), so at its start every job stored `running` is one
 * a previous trainer left behind, whose process died with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { systemActor, type Audit } from '../audit.ts';
import type { ModelConfig } from '../config.ts';
import type { TrainingJob } from '../contracts/training-jobs.ts';
import { log } from '../log.ts';
import { repoRoot } from '../paths.ts';
import type { ModelRegistryRepository } from '../store/model-registry.ts';
import type { StoredTrainingJob, TrainingJobRepository } from '../store/training-jobs.ts';
import { moveJob } from './job-state.ts';
import type { JobSpec } from './job-process.ts';
import { LineSplitter, parseJobLine, type JobLine, type ResultLine } from './progress-lines.ts';

export interface TrainingRunnerDeps {
  jobs: Pick<TrainingJobRepository, 'active' | 'save' | 'cancelRequest' | 'peopleLabels' | 'setRows'>;
  models: Pick<ModelRegistryRepository, 'register' | 'champion'>;
  audit: Pick<Audit, 'record'>;
}

export interface TrainingRunnerOptions {
  /** Trained models' folders; jobs' scratch folders go under `<modelsDir>/.jobs/`. */
  modelsDir: string;
  datasetsDir: string;
  /** The configured model: fine-tuned, and the champion while none was promoted. */
  model: ModelConfig;
  /** Base rows sampled (default 3,000: a CI-sized job) and dev rows evaluated per set (default 500). */
  baseRows?: number;
  evalRows?: number;
  /** Threads the trainer uses (default 2: the build machine's cores). */
  threads?: number;
  /** How often the store is read for a queued job or a cancellation (default 1 s). */
  pollMs?: number;
}

/** A progress row at most this often: the bar polls every second or two. */
const progressWriteMs = 1000;

/** Why a job a trainer left running failed: its process ended with that trainer. */
export const leftRunningReason = 'the trainer stopped while it ran (its process ended with it)';

/** How a job ends. */
type Outcome = Exclude<Parameters<typeof moveJob>[1], { state: 'running' }>;

interface Running {
  id: string;
  child: ChildProcess | null;
  stored: StoredTrainingJob;
  /** The store's writes of this job, in order. */
  writes: Promise<void>;
  lastWrite: number;
  cancelledBy: string | null;
  /** This trainer is stopping: the job fails with {@link leftRunningReason}. */
  stopping: boolean;
  done: Promise<void>;
}

export class TrainingRunner {
  private running: Running | null = null;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(
    private readonly deps: TrainingRunnerDeps,
    private readonly options: TrainingRunnerOptions,
  ) {}

  /** Fails the jobs a previous trainer left running, then polls for queued ones. */
  static async start(deps: TrainingRunnerDeps, options: TrainingRunnerOptions): Promise<TrainingRunner> {
    const runner = new TrainingRunner(deps, options);
    await runner.failLeftRunning();
    runner.schedule(0);
    log.info({ modelsDir: options.modelsDir }, 'trainer polling for training jobs');
    return runner;
  }

  /**
   * Stops polling and kills the running job's process (a training run cannot finish within a
   * shutdown grace): the job is stored failed, since nothing would resume it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
    const running = this.running;
    if (!running) return;
    running.stopping = true;
    killGroup(running.child);
    await running.done;
  }

  private async failLeftRunning(): Promise<void> {
    for (const stored of await this.deps.jobs.active()) {
      if (stored.job.state !== 'running') continue;
      await this.deps.jobs.save({ job: moveJob(stored.job, { state: 'failed', reason: leftRunningReason }, new Date()), revision: stored.revision + 1 });
      log.warn({ job: stored.job.id }, 'training job a previous trainer left running marked failed');
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll()
        .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'trainer: the store could not be read; trying again'))
        .finally(() => this.schedule(this.options.pollMs ?? 1000));
    }, delayMs);
  }

  private async poll(): Promise<void> {
    const running = this.running;
    if (running) {
      if (running.cancelledBy) return;
      const request = await this.deps.jobs.cancelRequest(running.id);
      if (!request) return;
      running.cancelledBy = request.by;
      // Before its process started, run() sees the flag and starts none.
      killGroup(running.child);
      return;
    }
    const queued = (await this.deps.jobs.active()).find((s) => s.job.state === 'queued');
    if (!queued || this.stopped) return;
    const request = await this.deps.jobs.cancelRequest(queued.job.id);
    if (request) {
      await this.finish(queued, { state: 'cancelled', reason: `cancelled by ${request.by}` });
      return;
    }
    // Stored running at once: a trainer that dies now leaves it running, which the next one fails.
    const claimed = { job: moveJob(queued.job, { state: 'running', progress: 0, phase: 'starting' }, new Date()), revision: queued.revision + 1 };
    await this.deps.jobs.save(claimed);
    const started: Running = { id: claimed.job.id, child: null, stored: claimed, writes: Promise.resolve(), lastWrite: Date.now(), cancelledBy: null, stopping: false, done: Promise.resolve() };
    this.running = started;
    log.info({ job: started.id }, 'training job started');
    started.done = this.run(started)
      .catch((err: unknown) => log.error({ job: started.id, err: (err as Error).message }, 'training job: its state could not be stored'))
      .finally(() => (this.running = null));
  }

  private async run(running: Running): Promise<void> {
    const { job } = running.stored;
    const workDir = path.join(this.options.modelsDir, '.jobs', job.id);
    let result: ResultLine | null = null;
    let failure: string | null = null;
    try {
      const spec = await this.spec(job, workDir);
      if (running.cancelledBy || running.stopping) throw new Error('stopped before it started');
      const specFile = path.join(workDir, 'spec.json');
      fs.mkdirSync(workDir, { recursive: true });
      fs.writeFileSync(specFile, JSON.stringify(spec));
      result = await this.runProcess(running, specFile);
    } catch (err) {
      failure = (err as Error).message;
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
    await running.writes;
    let outcome: Outcome;
    if (running.cancelledBy) outcome = { state: 'cancelled', reason: `cancelled by ${running.cancelledBy}` };
    else if (running.stopping && !result) outcome = { state: 'failed', reason: leftRunningReason };
    else if (result) {
      try {
        await this.deps.models.register({
          version: result.version, name: result.name, dir: result.dir, source: 'trained', createdBy: job.createdBy,
          data: { ...result.data, job: job.id }, metrics: result.metrics,
        });
        outcome = { state: 'succeeded', modelVersion: result.version };
      } catch (err) {
        outcome = { state: 'failed', reason: `the model could not be registered: ${(err as Error).message}` };
      }
    } else outcome = { state: 'failed', reason: failure ?? 'the job ended without a model' };
    await this.finish(running.stored, outcome);
  }

  /** Stores the job's last state and audits what came of it. */
  private async finish(stored: StoredTrainingJob, outcome: Outcome): Promise<void> {
    await this.deps.jobs.save({ job: moveJob(stored.job, outcome, new Date()), revision: stored.revision + 1 });
    await this.deps.audit.record(systemActor, 'training-job.finish', { kind: 'training-job', id: stored.job.id }, {
      state: outcome.state, ...(outcome.state === 'succeeded' ? { version: outcome.modelVersion } : { reason: outcome.reason }),
    });
    log.info({ job: stored.job.id, state: outcome.state }, 'training job finished');
  }

  private async spec(job: TrainingJob, workDir: string): Promise<JobSpec> {
    const champion = await this.deps.models.champion();
    const labels = job.includeLabels ? await this.deps.jobs.peopleLabels() : [];
    const sets = await this.deps.jobs.setRows(job.sets);
    const { model } = this.options;
    return {
      jobId: job.id, baseDir: model.dir, championDir: champion?.dir ?? model.dir, modelsDir: this.options.modelsDir, workDir,
      datasetsDir: this.options.datasetsDir, epochs: job.epochs, baseRows: this.options.baseRows ?? 3000, evalRows: this.options.evalRows ?? 500,
      threads: this.options.threads ?? 2,
      model: { maxTokens: model.maxTokens, batchSize: model.batchSize, neutralThreshold: model.neutralThreshold, device: model.device },
      labels, sets, setIds: job.sets,
    };
  }

  /** Runs the job's process to its end: its result line, or the reason it failed. */
  private runProcess(running: Running, specFile: string): Promise<ResultLine> {
    // Its own process group (detached), so a cancel kills the trainer it starts as well.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'lib/training/job-process.ts'), specFile], {
      cwd: repoRoot, detached: true, stdio: ['pipe', 'pipe', 'pipe'],
    });
    running.child = child;
    const lines = new LineSplitter();
    let result: ResultLine | null = null;
    let stderr = '';
    const handle = (line: string) => {
      const parsed = parseJobLine(line);
      if (!parsed) return;
      if (parsed.type === 'result') result = parsed;
      else this.progress(running, parsed);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => lines.push(chunk).forEach(handle));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => {
        lines.end().forEach(handle);
        if (code === 0 && result) resolve(result);
        else reject(new Error(signal ? `the job's process was stopped (${signal})` : lastLines(stderr) || `the job's process exited with ${code}`));
      });
    });
  }

  /** Stores a running state, at most once a second, except a finished epoch's figures, always. */
  private progress(running: Running, line: Extract<JobLine, { type: 'progress' }>): void {
    if (running.cancelledBy || running.stopping) return;
    const job = moveJob(running.stored.job, { state: 'running', progress: line.progress, phase: line.phase, dev: line.dev ?? null }, new Date());
    running.stored = { ...running.stored, job };
    const now = Date.now();
    if (now - running.lastWrite < progressWriteMs && !line.dev) return;
    running.lastWrite = now;
    void this.write(running, job);
  }

  private write(running: Running, job: TrainingJob): Promise<void> {
    running.stored = { job, revision: running.stored.revision + 1 };
    const stored = running.stored;
    running.writes = running.writes.then(() => this.deps.jobs.save(stored)).catch((err: unknown) => {
      log.warn({ job: job.id, err: (err as Error).message }, 'training job: a progress row was not stored');
    });
    return running.writes;
  }
}

function killGroup(child: ChildProcess | null): void {
  if (!child?.pid || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL'); // the group is gone already; the child alone, if it is not
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(0, 500);
}
