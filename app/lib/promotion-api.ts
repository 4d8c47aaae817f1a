/** The champion's calls (README → HTTP API): its history, promote, roll back, and the challenger in shadow. */
import type { ChampionChanged, ChampionChangeView, ChampionHistory, ModelRef, ShadowBody, ShadowStatus } from '../../lib/contracts/model-promotion.ts';
import { requestJson } from './api.ts';

export type { ChampionChangeView, ChampionHistory, ModelRef, ShadowStatus };

const modelPath = (version: string) => `/api/models/${encodeURIComponent(version)}`;

export async function fetchChampions(signal?: AbortSignal): Promise<ChampionHistory> {
  return (await requestJson<ChampionHistory>('/api/models/champions', { signal })).body;
}

/** Makes a registered model the champion: every classifier swaps to it within seconds. */
export async function promoteModel(version: string): Promise<ChampionChangeView> {
  return (await requestJson<ChampionChanged>(`${modelPath(version)}/promote`, { method: 'POST' })).body.change;
}

/** Back to the champion before the current one. */
export async function rollbackModel(): Promise<ChampionChangeView> {
  return (await requestJson<ChampionChanged>('/api/models/rollback', { method: 'POST' })).body.change;
}

export async function fetchShadow(version: string, signal?: AbortSignal): Promise<ShadowStatus> {
  return (await requestJson<ShadowStatus>(`${modelPath(version)}/shadow`, { signal })).body;
}

export async function startShadow(version: string, sample: number): Promise<ShadowStatus> {
  return (await requestJson<ShadowStatus>(`${modelPath(version)}/shadow`, { method: 'POST', body: { sample } satisfies ShadowBody })).body;
}

export async function stopShadow(version: string): Promise<ShadowStatus> {
  return (await requestJson<ShadowStatus>(`${modelPath(version)}/shadow`, { method: 'DELETE' })).body;
}
