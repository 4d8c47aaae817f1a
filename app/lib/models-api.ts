/** The Models page's calls (README → HTTP API): the model in service and the labelled training sets. */
import type { CurrentModel } from '../../lib/contracts/models.ts';
import type { TrainingSet, TrainingSetFormat, TrainingSetList, TrainingSetUploaded } from '../../lib/contracts/training-sets.ts';
import { queryString, requestJson } from './api.ts';

export type { CurrentModel, TrainingSet, TrainingSetUploaded };

const setPath = (id: string) => `/api/training-sets/${encodeURIComponent(id)}`;

/** What each format is sent as (server/routes/training-sets.ts accepts these). */
const contentTypes: Record<TrainingSetFormat, string> = { csv: 'text/csv', jsonl: 'application/x-ndjson' };

/** A file's format by its name's ending; null for anything else. */
export function formatOf(fileName: string): TrainingSetFormat | null {
  const name = fileName.toLowerCase();
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  return null;
}

export async function fetchCurrentModel(signal?: AbortSignal): Promise<CurrentModel> {
  return (await requestJson<CurrentModel>('/api/models/current', { signal })).body;
}

export async function listTrainingSets(signal?: AbortSignal): Promise<TrainingSet[]> {
  return (await requestJson<TrainingSetList>('/api/training-sets', { signal })).body.sets;
}

export async function uploadTrainingSet(name: string, domain: string, format: TrainingSetFormat, file: Blob): Promise<TrainingSetUploaded> {
  const path = `/api/training-sets?${queryString({ name, domain, format })}`;
  return (await requestJson<TrainingSetUploaded>(path, { method: 'POST', file: { data: file, type: contentTypes[format] } })).body;
}

export async function deleteTrainingSet(id: string): Promise<TrainingSet> {
  return (await requestJson<{ set: TrainingSet }>(setPath(id), { method: 'DELETE' })).body.set;
}
