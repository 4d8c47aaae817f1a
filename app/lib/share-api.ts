/** The typed call of `GET /api/share` (README → HTTP API): streams side by side, with the previous period. */
import type { Bucket, ShareResponse } from '../../lib/contracts/api.ts';
import { queryString, requestJson } from './api.ts';

export interface ShareQuery {
  /** Null: every stream. */
  streams: readonly string[] | null;
  source: string | null;
  from: number;
  to: number;
  bucket: Bucket;
}

export async function fetchShare(q: ShareQuery, signal?: AbortSignal): Promise<ShareResponse> {
  const query = queryString({ streams: q.streams?.join(','), source: q.source, from: q.from, to: q.to, bucket: q.bucket });
  return (await requestJson<ShareResponse>(`/api/share?${query}`, { signal })).body;
}
