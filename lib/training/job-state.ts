/**
 * A training job's states and the moves between them: queued → running → succeeded | failed |
 * cancelled (queued may also be cancelled or fail). A finished job never moves again, so a
 * late line from a killed process cannot bring a cancelled job back. Pure: the service
 * (lib/training/runner.ts) stores what these return.
 */
import { ActiveJobStates, type DevFigures, type TrainingJob, type TrainingJobState } from '../contracts/training-jobs.ts';
import { PulseError } from '../errors.ts';

const moves: Record<TrainingJobState, readonly TrainingJobState[]> = {
  queued: ['running', 'failed', 'cancelled'],
  running: ['running', 'succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
};

export function isActive(job: Pick<TrainingJob, 'state'>): boolean {
  return ActiveJobStates.includes(job.state);
}

export function canMove(from: TrainingJobState, to: TrainingJobState): boolean {
  return moves[from].includes(to);
}

type Change =
  | { state: 'running'; progress: number; phase: string; dev?: DevFigures | null }
  | { state: 'succeeded'; modelVersion: string }
  | { state: 'failed'; reason: string }
  | { state: 'cancelled'; reason: string };

/** The job after `change` at `now`; CONFLICT when the job may not move so. */
export function moveJob(job: TrainingJob, change: Change, now: Date): TrainingJob {
  if (!canMove(job.state, change.state)) {
    throw new PulseError('CONFLICT', `training job ${job.id} is ${job.state}: it cannot become ${change.state}`);
  }
  const updatedAt = now.toISOString();
  switch (change.state) {
    case 'running':
      // Progress never goes back: the phases' shares are laid end to end.
      return { ...job, state: 'running', progress: Math.max(job.progress, Math.min(1, change.progress)), phase: change.phase, dev: change.dev ?? job.dev, updatedAt };
    case 'succeeded':
      return { ...job, state: 'succeeded', progress: 1, phase: 'done', modelVersion: change.modelVersion, updatedAt };
    case 'failed':
    case 'cancelled':
      return { ...job, state: change.state, phase: change.state, reason: change.reason, updatedAt };
  }
}
