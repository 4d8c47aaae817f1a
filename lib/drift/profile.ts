/**
 * What the drift watch measures of a stream's messages as one model scored them: the
 * confidence distribution, the label mix and how many of their words the model's vocabulary
 * does not hold whole. The same shape describes the reference (taken once per model and
 * stream) and each hour that is compared with it.
 */
import { z } from 'zod';
import { decileGroups, psi, regroup } from './psi.ts';

/** Confidence counted in hundredths: fine enough to cut the reference into deciles. */
export const ConfidenceBins = 100;
/**
 * A message's share of unknown words, in bins: none, up to 10 %, 25 %, 50 %, more. A
 * message-level distribution rather than one rate, so a few messages full of jargon and many
 * with one odd word each read as the different things they are.
 */
export const UnknownShareEdges = [0, 0.1, 0.25, 0.5] as const;

export const DriftProfileSchema = z.object({
  messages: z.number().int().nonnegative(),
  /** Messages per hundredth of confidence (index = floor(confidence × 100), 1.0 in the last). */
  confidence: z.array(z.number().int().nonnegative()).length(ConfidenceBins),
  /** Messages per label: negative, neutral, positive. */
  labels: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative(), z.number().int().nonnegative()]),
  /** Sampled messages per unknown-share bin (UnknownShareEdges). */
  unknownShares: z.array(z.number().int().nonnegative()).length(UnknownShareEdges.length + 1),
  /** Words in the sampled messages, and those the vocabulary does not hold whole. */
  words: z.number().int().nonnegative(),
  unknownWords: z.number().int().nonnegative(),
});
export type DriftProfile = z.infer<typeof DriftProfileSchema>;

/** The bin of a message whose words are `unknown` of `words` unknown. */
export function unknownShareBin(words: number, unknown: number): number {
  if (words === 0 || unknown === 0) return 0;
  const share = unknown / words;
  const bin = UnknownShareEdges.findIndex((edge, i) => i > 0 && share <= edge);
  return bin === -1 ? UnknownShareEdges.length : bin;
}

export interface DriftFigures {
  psi: { confidence: number; labels: number; unknownWords: number };
  /** Unknown words per word, this hour and in the reference. */
  unknownRate: { current: number; reference: number };
}

const rate = (p: DriftProfile) => (p.words > 0 ? p.unknownWords / p.words : 0);

export function compareProfiles(reference: DriftProfile, current: DriftProfile): DriftFigures {
  const groups = decileGroups(reference.confidence);
  return {
    psi: {
      confidence: psi(regroup(reference.confidence, groups), regroup(current.confidence, groups)),
      labels: psi(reference.labels, current.labels),
      unknownWords: psi(reference.unknownShares, current.unknownShares),
    },
    unknownRate: { current: rate(current), reference: rate(reference) },
  };
}

/**
 * The index an alert is decided on: the confidence's and the unknown words'. The label mix is
 * measured and shown but decides nothing: an hour of angrier customers is news for the
 * sentiment alerts, not a sign that the model stopped fitting.
 */
export function decidingPsi(f: DriftFigures): number {
  return Math.max(f.psi.confidence, f.psi.unknownWords);
}
