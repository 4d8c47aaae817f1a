/**
 * Synthetic message streams for the detector's tests and benchmark: Poisson arrivals, each
 * message drawn as negative / neutral / positive from a mix, with a score spread the way a
 * classifier's p_positive − p_negative spreads within a label. Aggregated per second exactly
 * as `sentiment_1s` aggregates real messages (count, summed score, negative and positive counts).
 */
import type { Rng } from './rng.ts';

export interface Mix {
  negative: number;
  neutral: number;
  positive: number;
}

/** Score ranges within each label: confident positives near +1, neutrals near 0. */
const ranges = { negative: [-1, -0.4], neutral: [-0.2, 0.2], positive: [0.4, 1] } as const;
const labelMean = 0.7;

/** A typical brand stream: 60 % positive, 25 % neutral, 15 % negative (mean score 0.315). */
export const baseMix: Mix = { negative: 0.15, neutral: 0.25, positive: 0.6 };

export function meanScore(mix: Mix): number {
  return labelMean * (mix.positive - mix.negative);
}

/**
 * The mix whose mean score is `delta` lower: a share q of all messages moves from positive,
 * half to neutral and half to negative (mean −0.7q/2 − 1.4q/2 = −1.05q). A drop of 0.3 turns
 * 60 % positive into 31 %.
 */
export function shiftedMix(mix: Mix, delta: number): Mix {
  const q = delta / (1.5 * labelMean);
  if (q > mix.positive) throw new RangeError(`cannot lower the mean score by ${delta} from ${mix.positive * 100}% positive`);
  return { negative: mix.negative + q / 2, neutral: mix.neutral + q / 2, positive: mix.positive - q };
}

export interface SecondAggregate {
  count: number;
  scoreSum: number;
  /** Of `count`, the negative and the positive messages. */
  negative: number;
  positive: number;
}

/** One second of a stream with `rate` messages per second on average. */
export function syntheticSecond(rng: Rng, rate: number, mix: Mix): SecondAggregate {
  const count = rng.poisson(rate);
  let scoreSum = 0;
  let negative = 0;
  let positive = 0;
  for (let i = 0; i < count; i++) {
    const u = rng.next();
    const label = u < mix.negative ? 'negative' : u < mix.negative + mix.neutral ? 'neutral' : 'positive';
    if (label === 'negative') negative++;
    else if (label === 'positive') positive++;
    const [lo, hi] = ranges[label];
    scoreSum += lo + (hi - lo) * rng.next();
  }
  return { count, scoreSum, negative, positive };
}
