/**
 * Training jobs and the evaluation of what they produce (issue 16 items 3–4): the shapes of
 * `/api/models/train`, `/api/models/jobs`, `GET /api/models` and of a model's stored metrics,
 * shared by the server (lib/training/, server/routes/models.ts) and the Models page. Browser
 * code imports this module.
 */
import { z } from 'zod';
import type { Label } from '../sentiment.ts';

export const TrainingJobStates = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type TrainingJobState = (typeof TrainingJobStates)[number];
/** States a job leaves only by moving on: while one is in them, no other job starts. */
export const ActiveJobStates: readonly TrainingJobState[] = ['queued', 'running'];

/** Bounds of a request: a CI-sized job is 1 epoch, a real one a few. */
export const MaxTrainingEpochs = 10;
export const DefaultTrainingEpochs = 2;
export const MaxSetsPerJob = 20;

/** `POST /api/models/train`'s body. */
export const TrainRequest = z.strictObject({
  sets: z.array(z.string().min(1).max(100)).max(MaxSetsPerJob).default([]),
  includeLabels: z.boolean().default(true),
  epochs: z.number().int().min(1).max(MaxTrainingEpochs).default(DefaultTrainingEpochs),
});
export type TrainRequest = z.infer<typeof TrainRequest>;

/** One epoch's figures on the job's dev slice (never the held-back labels). */
export interface DevFigures {
  epoch: number;
  accuracy: number;
  macroRecall: number;
}

export interface TrainingJob {
  id: string;
  state: TrainingJobState;
  /** 0–1 over the whole job (data, epochs, evaluation). */
  progress: number;
  /** What the job is doing now, in words ("epoch 2 of 3", "evaluating"). */
  phase: string;
  epochs: number;
  sets: string[];
  includeLabels: boolean;
  /** The last finished epoch's dev figures; null before the first. */
  dev: DevFigures | null;
  /** The registered model's version, once succeeded. */
  modelVersion: string | null;
  /** Why it failed (or who cancelled it). */
  reason: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface TrainingJobList {
  jobs: TrainingJob[];
}

/** Per class: precision, recall and F1 of one model on one evaluation set. */
export interface ClassFigures {
  precision: number;
  recall: number;
  f1: number;
  /** Rows of this class in the set. */
  support: number;
}

export interface SetFigures {
  n: number;
  accuracy: number;
  macroRecall: number;
  /** Binary sets (SST-2) judge negative vs positive only: neutral is absent. */
  classes: Partial<Record<Label, ClassFigures>>;
}

/** One evaluation set, the challenger and the champion side by side. */
export interface Comparison {
  /** `held-back labels` or a dev set's name (tweeteval-val, sst2-dev, airline-dev). */
  set: string;
  challenger: SetFigures;
  champion: SetFigures;
}

/** What a trained model's `metrics` hold: the job's evaluation, with the runtime that serves. */
export interface TrainedModelMetrics {
  /** The version the challenger was measured against (the champion when the job ran). */
  championVersion: string;
  comparisons: Comparison[];
  trainingSeconds: number;
}

/** A model of the registry as the Models page sees it. */
export interface ModelSummary {
  version: string;
  name: string;
  source: 'shipped' | 'trained' | 'folder';
  createdAt: string;
  createdBy: string | null;
  data: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

/** `GET /api/models`. */
export interface ModelsResponse {
  champion: ModelSummary;
  models: ModelSummary[];
}
