/** `GET /api/terms` (README → HTTP API): the top terms, hashtags and mentions of a period. */
import type { TermKind, TermsResponse } from '../../lib/contracts/api.ts';
import { queryString, requestJson } from './api.ts';

export interface TermsParams {
  stream?: string | null;
  source?: string | null;
  /** Epoch ms. */
  from: number;
  to: number;
  kind?: TermKind;
  /** Terms of each kind. */
  limit?: number;
}

export async function fetchTerms(q: TermsParams, signal?: AbortSignal): Promise<TermsResponse> {
  return (await requestJson<TermsResponse>(`/api/terms?${queryString({ ...q })}`, { signal })).body;
}
