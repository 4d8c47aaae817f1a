/** Typed calls of the read API (README → HTTP API); failures carry the server's error code. */
import type { Label } from '../../lib/sentiment.ts';
import type { Bucket, MessagesPage, StatsPoint } from '../../lib/store/store.ts';

export interface StatsResponse {
  from: string;
  to: string;
  bucket: Bucket;
  buckets: StatsPoint[];
}

export interface StatsQuery {
  stream?: string | null;
  source?: string | null;
  from: number;
  to: number;
  bucket: Bucket;
}

export interface MessagesQuery {
  stream?: string | null;
  source?: string | null;
  label?: Label | null;
  q?: string | null;
  from?: number;
  to?: number;
  limit?: number;
  cursor?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') search.set(key, String(value));
  }
  return search.toString();
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { signal: signal ?? null, headers: { accept: 'application/json' } });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'NETWORK', 'the Pulse server does not answer');
  }
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? res.statusText);
  return body as T;
}

export function fetchStats(q: StatsQuery, signal?: AbortSignal): Promise<StatsResponse> {
  return getJson(`/api/stats?${query({ ...q })}`, signal);
}

export function fetchMessages(q: MessagesQuery, signal?: AbortSignal): Promise<MessagesPage> {
  return getJson(`/api/messages?${query({ ...q })}`, signal);
}
