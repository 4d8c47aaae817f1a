/**
 * The message contracts (DESIGN.md → Contracts): what travels on `pulse.messages.raw`, what a
 * classifier adds before it is stored and published on `pulse.messages.scored`, and the dead
 * letters of `pulse.dlq`. What arrives from outside, before ingest normalises it, is the ingest
 * stage's (lib/ingest/normalize.ts).
 */
import { z } from 'zod';
import { Labels, type Label, type Prediction } from './sentiment.ts';

/** Longest text a message may carry, at ingest and on the raw topic. */
export const MaxTextChars = 10_000;

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

/**
 * A stored message as every listing shows it (`/api/messages`, the drill-down, the CSV, the live
 * feed's detail): the model's `label`, which never changes, and beside it the latest label a
 * person gave it (lib/store/labels.ts), null when nobody labelled it.
 */
export interface StoredMessage extends ScoredMessage {
  humanLabel: Label | null;
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

/** A schema's complaints as one line: `path: message; …`. */
export function reasonOf(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

export function scored(message: RawMessage, prediction: Prediction, model: string, streams: string[], classifiedAt: string): ScoredMessage {
  return { ...message, ...prediction, model, streams, classifiedAt };
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
