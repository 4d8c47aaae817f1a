/**
 * Training jobs (issue 16 item 3): start one (one at a time), follow it, cancel it. The job runs
 * in its own process (./job-process.ts, which runs models/train/finetune.py), never on the
 * server's event loop; this side reads what to train on from the store, hands it over as a
 * file, stores every state the process reports (one row per change: lib/store/training-jobs.ts),
 * registers the model it wrote, and audits who started, cancelled and what came of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { systemActor, type Actor, type Audit } from '../audit.ts';
import { describePrincipal } from '../auth/roles.ts';
import type { ModelConfig } from '../config.ts';
import type { TrainingJob, TrainRequest } from '../contracts/training-jobs.ts';
import { PulseError } from '../errors.ts';
import { log } from '../log.ts';
import { repoRoot } from '../paths.ts';
import type { ModelRegistryRepository } from '../store/model-registry.ts';
import type { StoredTrainingJob, TrainingJobRepository } from '../store/training-jobs.ts';
import type { TrainingSetRepository } from '../store/training-sets.ts';
import { isActive, moveJob } from './job-state.ts';
import type { JobSpec } from './job-process.ts';
import { LineSplitter, parseJobLine, type JobLine, type ResultLine } from './progress-lines.ts';

export interface TrainingJobsDeps {
  jobs: TrainingJobRepository;
  models: Pick<ModelRegistryRepository, 'register' | 'champion'>;
  sets: Pick<TrainingSetRepository, 'get'>;
  audit: Pick<Audit, 'record'>;
}

export interface TrainingJobsOptions {
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
}

/** A progress row at most this often: the bar polls every second or two. */
const progressWriteMs = 1000;

interface Running {
  id: string;
  child: ChildProcess | null;
  stored: StoredTrainingJob;
  /** The store's writes of this job, in order. */
  writes: Promise<void>;
  lastWrite: number;
  cancelledBy: string | null;
  done: Promise<void>;
}

export class TrainingJobs {
  private running: Running | null = null;
  /** A start between its checks and its first row (see {@link start}). */
  private starting = false;

  constructor(
    private readonly deps: TrainingJobsDeps,
    private readonly options: TrainingJobsOptions,
  ) {}

  /** Jobs a stop or a crash left queued or running: their process died with the server. */
  async recover(): Promise<void> {
    for (const stored of await this.deps.jobs.active()) {
      await this.deps.jobs.save({ job: moveJob(stored.job, { state: 'failed', reason: 'the server stopped while it ran' }, new Date()), revision: stored.revision + 1 });
    }
  }

  async list(): Promise<TrainingJob[]> {
    return (await this.deps.jobs.list()).map((s) => s.job);
  }

  async get(id: string): Promise<TrainingJob> {
    const stored = await this.deps.jobs.get(id);
    if (!stored) throw new PulseError('NOT_FOUND', `no training job ${JSON.stringify(id)}`);
    return stored.job;
  }

  /** Queues a job and starts its process; CONFLICT while another is queued or running. */
  async start(by: Actor, request: TrainRequest): Promise<TrainingJob> {
    const busy = () => new PulseError('CONFLICT', 'a training job is already queued or running: wait for it or cancel it');
    // Checked and claimed before the first await, so two requests at once cannot both start one.
    if (this.running || this.starting) throw busy();
    this.starting = true;
    try {
      if ((await this.deps.jobs.active()).length) throw busy();
      for (const id of request.sets) {
        if (!(await this.deps.sets.get(id))) throw new PulseError('NOT_FOUND', `no training set ${JSON.stringify(id)}`);
      }
    } finally {
      this.starting = false;
    }
    const now = new Date().toISOString();
    const job: TrainingJob = {
      id: randomUUID(), state: 'queued', progress: 0, phase: 'queued', epochs: request.epochs, sets: request.sets, includeLabels: request.includeLabels,
      dev: null, modelVersion: null, reason: null, createdBy: by.principal ? describePrincipal(by.principal).name : 'someone', createdAt: now, updatedAt: now,
    };
    const running: Running = { id: job.id, child: null, stored: { job, revision: 1 }, writes: Promise.resolve(), lastWrite: 0, cancelledBy: null, done: Promise.resolve() };
    this.running = running;
    try {
      await this.deps.jobs.save(running.stored);
    } catch (err) {
      this.running = null;
      throw err;
    }
    await this.deps.audit.record(by, 'training-job.start', { kind: 'training-job', id: job.id }, { sets: job.sets, includeLabels: job.includeLabels, epochs: job.epochs });
    running.done = this.run(running).catch((err: unknown) => log.error({ job: job.id, err: (err as Error).message }, 'training job: its state could not be stored'));
    return job;
  }

  /** Kills the job's process; CONFLICT when it is not queued or running. */
  async cancel(by: Actor, id: string): Promise<TrainingJob> {
    const job = await this.get(id);
    const running = this.running?.id === id ? this.running : null;
    if (!isActive(job) || !running) throw new PulseError('CONFLICT', `training job ${id} is ${job.state}: only a queued or running job can be cancelled`);
    running.cancelledBy = by.principal ? describePrincipal(by.principal).name : 'someone';
    killGroup(running.child);
    await running.done;
    await this.deps.audit.record(by, 'training-job.cancel', { kind: 'training-job', id }, {});
    return running.stored.job;
  }

  /** The server's stop: the running job's process is killed and the job marked failed. */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    killGroup(running.child);
    await running.done;
  }

  /** Resolves when the running job (if any) has finished and its last state is stored: tests. */
  async settled(): Promise<void> {
    await this.running?.done;
  }

  private async run(running: Running): Promise<void> {
    const { job } = running.stored;
    const workDir = path.join(this.options.modelsDir, '.jobs', job.id);
    let result: ResultLine | null = null;
    let failure: string | null = null;
    try {
      const spec = await this.spec(job, workDir);
      if (running.cancelledBy) throw new Error('cancelled before it started');
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
    let outcome: Parameters<typeof moveJob>[1];
    if (running.cancelledBy) outcome = { state: 'cancelled', reason: `cancelled by ${running.cancelledBy}` };
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
    await this.write(running, moveJob(running.stored.job, outcome, new Date()));
    this.running = null;
    await this.deps.audit.record(systemActor, 'training-job.finish', { kind: 'training-job', id: job.id }, {
      state: outcome.state, ...(outcome.state === 'succeeded' ? { version: outcome.modelVersion } : { reason: outcome.reason }),
    });
    log.info({ job: job.id, state: outcome.state }, 'training job finished');
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
    if (running.cancelledBy) return;
    const job = moveJob(running.stored.job, { state: 'running', progress: line.progress, phase: line.phase, dev: line.dev ?? null }, new Date());
    running.stored = { ...running.stored, job };
    const now = Date.now();
    if (now - running.lastWrite < progressWriteMs && !line.dev && running.stored.revision > 1) return;
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
