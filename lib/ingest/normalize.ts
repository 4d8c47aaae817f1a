/**
 * From what a sender wrote to what `pulse.messages.raw` carries: the incoming schema (lenient,
 * unknown fields kept) and its normalisation (text decoded and trimmed, id, both timestamps
 * fixed at ingest).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MaxTextChars, reasonOf, type RawMessage } from '../message.ts';
import { decodeText } from '../text/decode.ts';

/** Event times further ahead than this are clock errors, not messages from the future. */
const maxFutureSkewMs = 5 * 60_000;

const knownFields = ['id', 'ts', 'source', 'text', 'author', 'lang', 'url', 'meta'] as const;

/**
 * The `meta` key that keeps the text as received (less its surrounding whitespace) when
 * decoding changed it. Ingest sets it last, so a sender's own `originalText` cannot pass for it.
 */
export const OriginalTextKey = 'originalText';

/** A message as any source may send it; unknown fields are kept, in `meta`. */
export const IncomingMessageSchema = z
  .object({
    id: z.string().trim().min(1).max(128).optional(),
    /** ISO 8601 or epoch milliseconds; default: when it was received. */
    ts: z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]).optional(),
    source: z.string().trim().min(1).max(64),
    text: z
      .string()
      .trim()
      .min(1, 'text is empty')
      .max(MaxTextChars, `text is longer than ${MaxTextChars} characters`),
    author: z.string().max(256).optional(),
    lang: z.string().max(16).optional(),
    url: z.string().max(2048).optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .catchall(z.unknown());

export type Validated<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Validates one incoming message and turns it into the raw-topic form: decodes the text once
 * (lib/text/decode.ts) and trims it, assigns an id when the sender gave none, stamps the
 * receive time, and moves unknown top-level fields into `meta` so nothing the sender said is
 * lost; the text as received goes there too when decoding changed it.
 */
export function normalizeIncoming(input: unknown, now = Date.now()): Validated<RawMessage> {
  const parsed = IncomingMessageSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: reasonOf(parsed.error) };
  const m = parsed.data;
  const ts = m.ts === undefined ? now : typeof m.ts === 'number' ? m.ts : Date.parse(m.ts);
  if (ts > now + maxFutureSkewMs) return { ok: false, reason: 'ts: more than 5 minutes in the future' };
  const text = decodeText(m.text).trim();
  // The same refusal as an empty text: "&nbsp;" or "<p></p>" carries nothing to classify.
  if (!text) return { ok: false, reason: 'text: text is empty once decoded' };
  const extra = Object.fromEntries(Object.entries(m).filter(([k]) => !(knownFields as readonly string[]).includes(k)));
  const meta = { ...m.meta, ...extra, ...(text !== m.text ? { [OriginalTextKey]: m.text } : {}) };
  return {
    ok: true,
    value: {
      id: m.id ?? randomUUID(),
      ts: new Date(ts).toISOString(),
      receivedAt: new Date(now).toISOString(),
      source: m.source,
      text,
      ...(m.author !== undefined ? { author: m.author } : {}),
      ...(m.lang !== undefined ? { lang: m.lang } : {}),
      ...(m.url !== undefined ? { url: m.url } : {}),
      ...(Object.keys(meta).length ? { meta } : {}),
    },
  };
}
