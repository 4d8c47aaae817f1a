/** The sentiment contract every part of Pulse speaks (DESIGN.md → Contracts). */
export const Labels = ['negative', 'neutral', 'positive'] as const;
export type Label = (typeof Labels)[number];

export type Probs = Record<Label, number>;

export interface Prediction {
  label: Label;
  /** Probability of the chosen label. */
  confidence: number;
  probs: Probs;
  /** probs.positive − probs.negative, in [−1, 1]. */
  score: number;
}

export function predictionFromProbs(probs: Probs): Prediction {
  let label: Label = 'neutral';
  for (const l of Labels) if (probs[l] > probs[label]) label = l;
  return { label, confidence: probs[label], probs, score: probs.positive - probs.negative };
}

/** Messages of one time bucket: how many, per label, and their mean score (p_pos − p_neg). */
export interface SentimentPoint {
  /** ISO 8601 start of the bucket (a second in live ticks). */
  t: string;
  count: number;
  negative: number;
  neutral: number;
  positive: number;
  meanScore: number;
}
