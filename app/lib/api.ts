/**
 * Typed calls of the read API (README → HTTP API); failures carry the server's error code.
 * The stream and alert calls (streams-api.ts, alerts-api.ts) go through {@link requestJson} too.
 */
import type { Bucket, MessagesPage, StatsPoint } from '../../lib/contracts/api.ts';
import type { Label } from '../../lib/contracts/messages.ts';

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

/** Where a stream query failed to parse: 400 `STREAM_QUERY_INVALID` carries it, so the form can mark it inline. */
export interface QueryErrorAt {
  /** 0-based JS string index into the query. */
  position: number;
  /** The message without the position. */
  detail: string;
}

/** The server's `{"error": {...}}` body. */
interface ErrorBody {
  error?: { code: string; message: string; position?: number; detail?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly at: QueryErrorAt | null = null,
    /** Seconds from `Retry-After` (429, 503): how long to wait before trying again. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

/** `key=value&…` of the parameters that are set (null, undefined and empty are left out). */
export function queryString(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') search.set(key, String(value));
  }
  return search.toString();
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is (an uploaded file), with the content type it is given here; instead of `body`. */
  file?: { data: Blob; type: string };
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

/**
 * The session's CSRF token (README → Access control): a change made with the session cookie must
 * carry it. `GET /api/auth/me` gives it to a signed-in user; open mode and API keys need none.
 * The session provider hands it over on page load; asked here only when nobody did, and again
 * after the server refuses it (a new session).
 */
let csrf: Promise<string | null> | null = null;

function csrfToken(): Promise<string | null> {
  csrf ??= fetch('/api/auth/me', { headers: { accept: 'application/json' } })
    .then((res) => (res.ok ? (res.json() as Promise<{ csrfToken?: string }>) : null))
    .then((me) => me?.csrfToken ?? null)
    .catch(() => {
      csrf = null;
      return null;
    });
  return csrf;
}

/**
 * Takes the token from an answer that carries it (`GET /api/auth/me` on page load, the login
 * answer), so the changes made right after signing in, without a reload, carry it too; null:
 * the session needs none (open mode). A refused token is asked for again (see below).
 */
export function rememberCsrfToken(token: string | null): void {
  csrf = Promise.resolve(token);
}

/**
 * Who hears of a 401 (the session ended, or nobody signed in): the session provider, which
 * sends the person to the sign-in page. The `/api/auth/*` calls answer for themselves (a wrong
 * password is a 401 too) and are not reported.
 */
const unauthenticated = new Set<() => void>();

export function onUnauthenticated(listener: () => void): () => void {
  unauthenticated.add(listener);
  return () => {
    unauthenticated.delete(listener);
  };
}

/** One JSON call: the body and the response headers (streams need `ETag`), or an {@link ApiError}. */
export function requestJson<T>(path: string, options: RequestOptions = {}): Promise<{ body: T; headers: Headers }> {
  return send<T>(path, options, false);
}

async function send<T>(path: string, options: RequestOptions, retried: boolean): Promise<{ body: T; headers: Headers }> {
  const { method = 'GET', body, signal } = options;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.file) headers['content-type'] = options.file.type;
  if (method !== 'GET') {
    const token = await csrfToken();
    if (token) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    const sent = options.file ? { body: options.file.data } : body !== undefined ? { body: JSON.stringify(body) } : {};
    res = await fetch(path, { method, headers, signal: signal ?? null, ...sent });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'NETWORK', 'the Pulse server does not answer');
  }
  const json = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const error = (json as ErrorBody | null)?.error;
    if (error?.code === 'CSRF_INVALID' && !retried) {
      csrf = null;
      return send<T>(path, options, true);
    }
    if (res.status === 401 && !path.startsWith('/api/auth/')) for (const listener of unauthenticated) listener();
    const at = typeof error?.position === 'number' ? { position: error.position, detail: error.detail ?? error.message } : null;
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new ApiError(res.status, error?.code ?? `HTTP_${res.status}`, error?.message ?? res.statusText, at, retryAfter > 0 ? retryAfter : null);
  }
  if (json === null) {
    // A body cut off by a navigation (the request's abort) or one that is not JSON: never a null answer.
    if (signal?.aborted) throw signal.reason;
    throw new ApiError(res.status, 'BODY_INVALID', 'the server answered something that is not JSON');
  }
  return { body: json as T, headers: res.headers };
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await requestJson<T>(path, { signal })).body;
}

export function fetchStats(q: StatsQuery, signal?: AbortSignal): Promise<StatsResponse> {
  return getJson(`/api/stats?${queryString({ ...q })}`, signal);
}

export function fetchMessages(q: MessagesQuery, signal?: AbortSignal): Promise<MessagesPage> {
  return getJson(`/api/messages?${queryString({ ...q })}`, signal);
}

/** A failed call in words, with the server's code for a bug report. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.code === 'NETWORK' ? 'The Pulse server does not answer.' : `${err.message} (${err.code})`;
  return err instanceof Error ? err.message : String(err);
}
