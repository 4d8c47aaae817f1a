import { PulseError } from '../../lib/errors.ts';
import { predictionFromProbs, type Label, type Prediction } from '../../lib/sentiment.ts';

/**
 * How a model's output classes fold into Pulse's three labels. Several classes may fold into
 * one label (a 5-star model: 1–2 stars → negative), and their probabilities are summed.
 */
export interface LabelMap {
  /** Pulse label of each output class, by class index. */
  classes: Label[];
  /** True when the model has no neutral class (SST-2 style): neutral is decided by confidence. */
  binary: boolean;
}

const aliases: Record<string, Label> = {
  negative: 'negative', neg: 'negative', label_negative: 'negative',
  neutral: 'neutral', neu: 'neutral', label_neutral: 'neutral',
  positive: 'positive', pos: 'positive', label_positive: 'positive',
};

function labelOf(name: string): Label | undefined {
  const key = name.trim().toLowerCase();
  const stars = /^([1-5])\s*stars?$/.exec(key);
  if (stars) return Number(stars[1]) <= 2 ? 'negative' : stars[1] === '3' ? 'neutral' : 'positive';
  return aliases[key];
}

/** Builds the label map from config.json's `id2label`, refusing names it cannot interpret. */
export function labelMapFromId2Label(id2label: Record<string, string>): LabelMap {
  const ids = Object.keys(id2label).map(Number).sort((a, b) => a - b);
  if (ids.length < 2 || ids.some((id, i) => id !== i)) {
    throw new PulseError('MODEL_LABELS_UNSUPPORTED', `id2label must number classes 0..n-1, got ${JSON.stringify(id2label)}`);
  }
  const classes = ids.map((id) => {
    const name = id2label[String(id)]!;
    const label = labelOf(name);
    if (!label) {
      throw new PulseError(
        'MODEL_LABELS_UNSUPPORTED',
        `cannot map class ${id} "${name}" to negative/neutral/positive; edit id2label in config.json (e.g. "LABEL_0" → "negative")`,
      );
    }
    return label;
  });
  const present = new Set(classes);
  if (!present.has('negative') || !present.has('positive')) {
    throw new PulseError('MODEL_LABELS_UNSUPPORTED', `model must have negative and positive classes, got ${classes.join(', ')}`);
  }
  return { classes, binary: !present.has('neutral') };
}

/**
 * Softmax over one row of logits, folded into Pulse's labels. For a binary model the neutral
 * probability stays 0 and the label is neutral when neither side reaches `neutralThreshold`;
 * its confidence is then 1 − |p(positive) − p(negative)|.
 */
export function predictionFromLogits(logits: ArrayLike<number>, map: LabelMap, neutralThreshold: number): Prediction {
  let max = -Infinity;
  for (let i = 0; i < map.classes.length; i++) max = Math.max(max, logits[i]!);
  const probs = { negative: 0, neutral: 0, positive: 0 };
  let sum = 0;
  for (let i = 0; i < map.classes.length; i++) sum += Math.exp(logits[i]! - max);
  for (let i = 0; i < map.classes.length; i++) probs[map.classes[i]!] += Math.exp(logits[i]! - max) / sum;
  const prediction = predictionFromProbs(probs);
  if (map.binary && prediction.confidence < neutralThreshold) {
    return { ...prediction, label: 'neutral', confidence: 1 - Math.abs(probs.positive - probs.negative) };
  }
  return prediction;
}
