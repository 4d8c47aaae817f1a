/**
 * Labelled training sets (issue 16 item 2): texts with the label a person gave them, uploaded
 * as CSV or JSONL for one domain, kept for the training jobs to come. The shapes of
 * `/api/training-sets` and the bounds of an upload, shared by the server (lib/training/,
 * server/routes/training-sets.ts) and the Models page. Browser code imports this module.
 */
import type { Label } from '../sentiment.ts';

export const TrainingSetFormats = ['csv', 'jsonl'] as const;
export type TrainingSetFormat = (typeof TrainingSetFormats)[number];

/** An upload's bounds: past either it is refused whole (413) before a row is judged. */
export const MaxTrainingSetBytes = 10 * 1024 * 1024;
export const MaxTrainingSetRows = 100_000;
/** Refusals listed in an answer; `set.refused` counts them all. */
export const MaxListedRefusals = 100;
/** Rows `GET /api/training-sets/:id` shows of a set. */
export const TrainingSetSampleSize = 20;

export const MaxTrainingSetNameChars = 100;
export const MaxDomainChars = 60;

/** A refused row: its line in the file (CSV: the header is line 1) and why. */
export interface RowRefusal {
  line: number;
  reason: string;
}

/** An accepted row as stored. */
export interface LabelledRow {
  line: number;
  text: string;
  label: Label;
}

export interface TrainingSet {
  id: string;
  name: string;
  domain: string;
  format: TrainingSetFormat;
  /** Rows accepted and stored. */
  rows: number;
  /** Rows refused, all of them (the answers list the first {@link MaxListedRefusals}). */
  refused: number;
  /** ISO 8601. */
  createdAt: string;
  /** Who uploaded it: an email, a key's name, or open mode. */
  createdBy: string;
}

/** `POST /api/training-sets` → 201; `GET /api/training-sets/:id` adds a sample of the rows. */
export interface TrainingSetUploaded {
  set: TrainingSet;
  refused: RowRefusal[];
}

export interface TrainingSetDetail extends TrainingSetUploaded {
  sample: LabelledRow[];
}

/** `GET /api/training-sets`: newest first. */
export interface TrainingSetList {
  sets: TrainingSet[];
}
