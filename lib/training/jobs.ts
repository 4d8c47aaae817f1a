/**
 * Training jobs as the API sees them (issue 16 item 3): queue one (one at a time), follow it,
 * cancel it. This side only writes to the store: a job's first row (`queued`) and a
 * cancellation request; the one trainer of the deployment (./runner.ts, in the server or in
 * `workers/trainer.ts`) runs the job, stores every later state and kills a cancelled job's
 * process. So any server can take any request, whichever process runs the job.
 */
import { randomUUID } from 'node:crypto';
import type { Actor, Audit } from '../audit.ts';
import { describePrincipal } from '../auth/roles.ts';
import type { TrainingJob, TrainRequest } from '../contracts/training-jobs.ts';
import { PulseError } from '../errors.ts';
import type { TrainingJobRepository } from '../store/training-jobs.ts';
import type { TrainingSetRepository } from '../store/training-sets.ts';
import { isActive } from './job-state.ts';

export interface TrainingJobsDeps {
  jobs: Pick<TrainingJobRepository, 'list' | 'get' | 'active' | 'save' | 'requestCancel'>;
  sets: Pick<TrainingSetRepository, 'get'>;
  audit: Pick<Audit, 'record'>;
}

export interface TrainingJobsOptions {
  /**
   * How long a cancel waits for the trainer to store the job cancelled (default 5 s: the
   * trainer reads requests every second, then kills the process and stores the state).
   */
  cancelWaitMs?: number;
  /** How often the store is read meanwhile (default 200 ms). */
  cancelPollMs?: number;
}

/** What a cancel answers: the job as stored, and whether the trainer has finished it yet. */
export interface CancelAnswer {
  job: TrainingJob;
  /** False: the trainer did not store the job finished within the wait (it may be down); the request stays and applies when it reads it. */
  settled: boolean;
}

export class TrainingJobs {
  /** A start between its checks and its first row (see {@link start}). */
  private starting = false;

  constructor(
    private readonly deps: TrainingJobsDeps,
    private readonly options: TrainingJobsOptions = {},
  ) {}

  async list(): Promise<TrainingJob[]> {
    return (await this.deps.jobs.list()).map((s) => s.job);
  }

  async get(id: string): Promise<TrainingJob> {
    const stored = await this.deps.jobs.get(id);
    if (!stored) throw new PulseError('NOT_FOUND', `no training job ${JSON.stringify(id)}`);
    return stored.job;
  }

  /**
   * Queues a job for the trainer; CONFLICT while another is queued or running. The check is the
   * store's, so it holds across servers, except for two requests on two servers at the same
   * moment: both are queued, and the trainer runs them one after the other.
   */
  async start(by: Actor, request: TrainRequest): Promise<TrainingJob> {
    // Claimed before the first await, so two requests at once on this server cannot both queue one.
    if (this.starting) throw busy();
    this.starting = true;
    try {
      if ((await this.deps.jobs.active()).length) throw busy();
      for (const id of request.sets) {
        if (!(await this.deps.sets.get(id))) throw new PulseError('NOT_FOUND', `no training set ${JSON.stringify(id)}`);
      }
      const now = new Date().toISOString();
      const job: TrainingJob = {
        id: randomUUID(), state: 'queued', progress: 0, phase: 'queued', epochs: request.epochs, sets: request.sets, includeLabels: request.includeLabels,
        dev: null, modelVersion: null, reason: null, createdBy: nameOf(by), createdAt: now, updatedAt: now,
      };
      await this.deps.jobs.save({ job, revision: 1 });
      await this.deps.audit.record(by, 'training-job.start', { kind: 'training-job', id: job.id }, { sets: job.sets, includeLabels: job.includeLabels, epochs: job.epochs });
      return job;
    } finally {
      this.starting = false;
    }
  }

  /**
   * Asks the trainer to cancel the job and waits (bounded) until it has stored it finished;
   * CONFLICT when the job is not queued or running.
   */
  async cancel(by: Actor, id: string): Promise<CancelAnswer> {
    const job = await this.get(id);
    if (!isActive(job)) throw new PulseError('CONFLICT', `training job ${id} is ${job.state}: only a queued or running job can be cancelled`);
    await this.deps.jobs.requestCancel(id, nameOf(by), new Date());
    await this.deps.audit.record(by, 'training-job.cancel', { kind: 'training-job', id }, {});
    const until = Date.now() + (this.options.cancelWaitMs ?? 5000);
    for (;;) {
      const now = await this.get(id);
      if (!isActive(now)) return { job: now, settled: true };
      if (Date.now() >= until) return { job: now, settled: false };
      await new Promise((resolve) => setTimeout(resolve, this.options.cancelPollMs ?? 200));
    }
  }
}

function busy(): PulseError {
  return new PulseError('CONFLICT', 'a training job is already queued or running: wait for it or cancel it');
}

function nameOf(by: Actor): string {
  return by.principal ? describePrincipal(by.principal).name : 'someone';
}
