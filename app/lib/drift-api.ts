/** The drift watch's call (README → HTTP API): the serving model's latest reading of each stream. */
import type { ModelDriftStatus, StreamDrift } from '../../lib/contracts/model-drift.ts';
import { requestJson } from './api.ts';

export type { ModelDriftStatus, StreamDrift };

export async function fetchDrift(signal?: AbortSignal): Promise<ModelDriftStatus> {
  return (await requestJson<ModelDriftStatus>('/api/models/drift', { signal })).body;
}
