/**
 * What an ingest request carries: a JSON body (one message or an array of them) or NDJSON, cut
 * into items before any of them is validated. Both transports (HTTP `/api/ingest`, one
 * WebSocket frame on `/ws/ingest`) parse with this and share its bounds.
 */
import { PulseError } from '../errors.ts';

export const MaxBodyBytes = 5 * 1024 * 1024;
export const MaxMessagesPerRequest = 10_000;

/** One item of a request body: a parsed JSON value, or a line that was not JSON. */
export type BodyItem = { ok: true; value: unknown } | { ok: false; reason: string; raw: string };

const ndjsonTypes = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'];

/**
 * Splits a request body into items. A JSON body may be one message or an array of them and
 * must parse as a whole; NDJSON is judged line by line, so one broken line rejects only itself.
 */
export function parseBody(body: string, contentType: string | undefined): BodyItem[] {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  let items: BodyItem[];
  if (type === 'application/json') {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (err) {
      throw new PulseError('BODY_INVALID', `body is not valid JSON: ${(err as Error).message}`);
    }
    items = (Array.isArray(json) ? json : [json]).map((value) => ({ ok: true, value }));
  } else if (ndjsonTypes.includes(type)) {
    items = body
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        try {
          return { ok: true, value: JSON.parse(line) } as const;
        } catch (err) {
          return { ok: false, reason: `invalid JSON: ${(err as Error).message}`, raw: line } as const;
        }
      });
  } else {
    throw new PulseError('UNSUPPORTED_MEDIA_TYPE', `content type must be application/json or application/x-ndjson, got ${type || 'none'}`);
  }
  if (items.length > MaxMessagesPerRequest) {
    throw new PulseError('TOO_MANY_MESSAGES', `${items.length} messages in one request; at most ${MaxMessagesPerRequest}`);
  }
  return items;
}
