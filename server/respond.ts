/** JSON responses and request bodies for the REST routes: one error shape, stable codes. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { PulseError, RetryLaterError, isPulseError, type ErrorCode } from '../lib/errors.ts';
import { log } from '../lib/log.ts';
import { StreamQueryError } from '../lib/streams/query.ts';

export const statusOf: Partial<Record<ErrorCode, number>> = {
  BODY_INVALID: 400,
  MESSAGE_INVALID: 400,
  QUERY_INVALID: 400,
  STREAM_QUERY_INVALID: 400,
  ALERT_RULE_INVALID: 400,
  ALERT_CHANNEL_INVALID: 400,
  TRAINING_SET_INVALID: 400,
  LABEL_INVALID: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF_INVALID: 403,
  RATE_LIMITED: 429,
  TOO_MANY_CONNECTIONS: 429,
  INGEST_OVERLOADED: 503,
  SHUTTING_DOWN: 503,
  BODY_TOO_LARGE: 413,
  TOO_MANY_MESSAGES: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BUS_UNAVAILABLE: 503,
  BUS_CLOSED: 503,
  BUS_LOG_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * `{"error":{"code","message"}}`, plus `position` for a stream query's syntax error (the UI
 * marks it inline); unexpected errors are logged and answered without internals.
 */
export function sendError(res: ServerResponse, err: unknown): void {
  if (isPulseError(err)) {
    const status = statusOf[err.code] ?? 500;
    if (err instanceof RetryLaterError) res.setHeader('retry-after', String(err.retryAfterSeconds));
    // A refusal to retry later (overload, a stop) is the server working as meant, not a failure.
    if (status >= 500 && !(err instanceof RetryLaterError)) log.error({ code: err.code, err: err.message }, 'request failed');
    const position = err instanceof StreamQueryError ? { position: err.detail.position, detail: err.detail.message } : {};
    return sendJson(res, status, { error: { code: err.code, message: err.message, ...position } });
  }
  log.error({ err }, 'unexpected error in request');
  sendJson(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
}

/** Reads a body up to `limit` bytes; larger bodies are refused before they are buffered. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new PulseError('BODY_TOO_LARGE', `body of ${declared} bytes; at most ${limit}`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new PulseError('BODY_TOO_LARGE', `body larger than ${limit} bytes`));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A JSON request body (BODY_INVALID if it is not JSON); its shape is the caller's to check. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const text = await readBody(req, limit);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new PulseError('BODY_INVALID', `body is not JSON: ${(err as Error).message}`);
  }
}

/** Parses a query string with a zod schema; failures are 400 QUERY_INVALID naming the field. */
export function parseQuery<S extends z.ZodType>(schema: S, search: URLSearchParams): z.infer<S> {
  const parsed = schema.safeParse(Object.fromEntries(search));
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ');
    throw new PulseError('QUERY_INVALID', why);
  }
  return parsed.data;
}

/** A time in a query string: ISO 8601 or epoch milliseconds. */
export const TimeParam = z
  .string()
  .transform((v, ctx) => {
    const d = /^\d+$/.test(v) ? new Date(Number(v)) : new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'not an ISO 8601 time or epoch milliseconds' });
      return z.NEVER;
    }
    return d;
  });
