/**
 * The message contracts (DESIGN.md → Contracts): what arrives from outside, what travels on
 * `pulse.messages.raw`, what a classifier adds before it is stored and published on
 * `pulse.messages.scored`, and the dead letters of `pulse.dlq`.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Labels, type Label, type Prediction } from './sentiment.ts';

export const MaxTextChars = 10_000;
/** Event times further ahead than this are clock errors, not messages from the future. */
const maxFutureSkewMs = 5 * 60_000;

const knownFields = ['id', 'ts', 'source', 'text', 'author', 'lang', 'url', 'meta'] as const;

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

/** What `pulse.messages.raw` carries: validated, with an id and both timestamps fixed at ingest. */
export const RawMessageSchema = z.object({
  id: z.string().min(1).max(128),
  /** Event time, ISO 8601 UTC with milliseconds. */
  ts: z.iso.datetime(),
  receivedAt: z.iso.datetime(),
  source: z.string().min(1).max(64),
  text: z.string().min(1).max(MaxTextChars),
  author: z.string().max(256).optional(),
  lang: z.string().max(16).optional(),
  url: z.string().max(2048).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type RawMessage = z.infer<typeof RawMessageSchema>;

export interface ScoredMessage extends RawMessage, Prediction {
  /** Name of the model folder that scored it. */
  model: string;
  /** Ids of the keyword streams it matched. */
  streams: string[];
  classifiedAt: string;
}

const probability = z.number().min(0).max(1);

/** What `pulse.messages.scored` carries: the classifiers publish these, the live hub reads them. */
export const ScoredMessageSchema = RawMessageSchema.extend({
  label: z.enum(Labels),
  confidence: probability,
  probs: z.object({ negative: probability, neutral: probability, positive: probability }),
  score: z.number().min(-1).max(1),
  model: z.string(),
  streams: z.array(z.string().min(1).max(128)),
  classifiedAt: z.iso.datetime(),
}) satisfies z.ZodType<ScoredMessage>;

export type Validated<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A schema's complaints as one line: `path: message; …`. */
export function reasonOf(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/**
 * Validates one incoming message and turns it into the raw-topic form: trims the text,
 * assigns an id when the sender gave none, stamps the receive time, and moves unknown
 * top-level fields into `meta` so nothing the sender said is lost.
 */
export function normalizeIncoming(input: unknown, now = Date.now()): Validated<RawMessage> {
  const parsed = IncomingMessageSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: reasonOf(parsed.error) };
  const m = parsed.data;
  const ts = m.ts === undefined ? now : typeof m.ts === 'number' ? m.ts : Date.parse(m.ts);
  if (ts > now + maxFutureSkewMs) return { ok: false, reason: 'ts: more than 5 minutes in the future' };
  const extra = Object.fromEntries(Object.entries(m).filter(([k]) => !(knownFields as readonly string[]).includes(k)));
  const meta = { ...m.meta, ...extra };
  return {
    ok: true,
    value: {
      id: m.id ?? randomUUID(),
      ts: new Date(ts).toISOString(),
      receivedAt: new Date(now).toISOString(),
      source: m.source,
      text: m.text,
      ...(m.author !== undefined ? { author: m.author } : {}),
      ...(m.lang !== undefined ? { lang: m.lang } : {}),
      ...(m.url !== undefined ? { url: m.url } : {}),
      ...(Object.keys(meta).length ? { meta } : {}),
    },
  };
}

export function scored(message: RawMessage, prediction: Prediction, model: string, streams: string[], now = Date.now()): ScoredMessage {
  return { ...message, ...prediction, model, streams, classifiedAt: new Date(now).toISOString() };
}

/** A dead letter on `pulse.dlq`: why, where from, when, and the original payload untouched. */
export const DeadLetterSchema = z.object({
  reason: z.string(),
  /** Where it was refused: `ingest`, `classifier`, `bus` (a record no consumer could read), … */
  stage: z.string(),
  at: z.iso.datetime(),
  /** The original payload as received (a JSON value, or the raw text when it was not JSON). */
  payload: z.unknown(),
  /** The refused message's id or record key, when it had one. */
  id: z.string().optional(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

export function deadLetter(stage: string, reason: string, payload: unknown, id?: string, now = Date.now()): DeadLetter {
  return { reason, stage, at: new Date(now).toISOString(), payload, ...(id ? { id } : {}) };
}

export type { Label };
