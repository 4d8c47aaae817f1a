/** `GET /api/sources` (README → HTTP API): the sources stored for a stream in a range, most messages first. */
import type { SourceCount, SourcesResponse } from '../../lib/contracts/api.ts';
import { queryString, requestJson } from './api.ts';

export type { SourceCount };

export interface SourcesQuery {
  stream: string | null;
  from: number;
  to: number;
}

export async function fetchSources(q: SourcesQuery, signal?: AbortSignal): Promise<SourceCount[]> {
  return (await requestJson<SourcesResponse>(`/api/sources?${queryString({ ...q })}`, { signal })).body.sources;
}
