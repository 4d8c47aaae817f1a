/** The Models page's training calls (README → HTTP API): the registry with its champion, and training jobs. */
import type { ModelsResponse, TrainingJob, TrainingJobList, TrainRequest } from '../../lib/contracts/training-jobs.ts';
import { requestJson } from './api.ts';

export type { Comparison, ModelSummary, ModelsResponse, SetFigures, TrainedModelMetrics, TrainingJob } from '../../lib/contracts/training-jobs.ts';

const jobPath = (id: string) => `/api/models/jobs/${encodeURIComponent(id)}`;

export async function fetchModels(signal?: AbortSignal): Promise<ModelsResponse> {
  return (await requestJson<ModelsResponse>('/api/models', { signal })).body;
}

export async function listJobs(signal?: AbortSignal): Promise<TrainingJob[]> {
  return (await requestJson<TrainingJobList>('/api/models/jobs', { signal })).body.jobs;
}

export async function startJob(request: Partial<TrainRequest>): Promise<TrainingJob> {
  return (await requestJson<{ job: TrainingJob }>('/api/models/train', { method: 'POST', body: request })).body.job;
}

export async function cancelJob(id: string): Promise<TrainingJob> {
  return (await requestJson<{ job: TrainingJob }>(`${jobPath(id)}/cancel`, { method: 'POST' })).body.job;
}
