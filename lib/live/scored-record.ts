/** Reads `pulse.messages.scored` records for the live hub. */
import { z } from 'zod';
import { RawMessageSchema, type ScoredMessage } from '../message.ts';
import { Labels } from '../sentiment.ts';

const probability = z.number().min(0).max(1);

/**
 * The classifiers publish these, but a topic takes whatever anyone produces: a record that
 * does not parse is skipped by the caller rather than breaking a tick for every client.
 */
const ScoredMessageSchema = RawMessageSchema.extend({
  label: z.enum(Labels),
  confidence: probability,
  probs: z.object({ negative: probability, neutral: probability, positive: probability }),
  score: z.number().min(-1).max(1),
  model: z.string(),
  streams: z.array(z.string().min(1).max(128)),
  classifiedAt: z.iso.datetime(),
}) satisfies z.ZodType<ScoredMessage>;

export function parseScoredRecord(value: string): ScoredMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  const parsed = ScoredMessageSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
