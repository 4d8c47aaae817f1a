/**
 * The one ingest path: HTTP `/api/ingest`, WebSocket `/ws/ingest`, the replay CLI and the
 * embedded demo all end here. Each item is validated on its own: valid ones go to
 * `pulse.messages.raw`, invalid ones are answered with their index and reason AND published
 * to `pulse.dlq` with the original payload, so nothing disappears silently.
 */
import type { Counter } from 'prom-client';
import type { Bus } from './bus/bus.ts';
import { Topics } from './bus/topics.ts';
import { PulseError } from './errors.ts';
import { deadLetter, normalizeIncoming, type RawMessage } from './message.ts';

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

export interface IngestResult {
  accepted: number;
  rejected: Array<{ index: number; reason: string }>;
  /** Ids of the accepted messages, in order (assigned at ingest when the sender gave none). */
  ids: string[];
}

export class Ingestor {
  constructor(
    private readonly bus: Bus,
    private readonly counter?: Counter<'result'>,
  ) {}

  async ingest(items: readonly BodyItem[], stage = 'ingest'): Promise<IngestResult> {
    const now = Date.now();
    const accepted: RawMessage[] = [];
    const rejected: IngestResult['rejected'] = [];
    const dead: ReturnType<typeof deadLetter>[] = [];
    items.forEach((item, index) => {
      const result = item.ok ? normalizeIncoming(item.value, now) : item;
      if (result.ok) accepted.push(result.value);
      else {
        rejected.push({ index, reason: result.reason });
        dead.push(deadLetter(stage, result.reason, item.ok ? item.value : item.raw, undefined, now));
      }
    });
    await this.bus.publish(Topics.raw, accepted.map((m) => ({ key: m.id, value: m })));
    if (dead.length) await this.bus.publish(Topics.dlq, dead.map((d, i) => ({ key: `${stage}-${now}-${i}`, value: d })));
    this.counter?.inc({ result: 'accepted' }, accepted.length);
    this.counter?.inc({ result: 'rejected' }, rejected.length);
    return { accepted: accepted.length, rejected, ids: accepted.map((m) => m.id) };
  }
}
