/**
 * How the dashboard words an alert wherever it shows one (banner, chart list, alerts page):
 * what moved, its value in its unit, and its peak. One place, so a surge reads "Negative surge"
 * everywhere and a resolved alert shows the peak it had, not the calm it ended in.
 */
import type { Alert, AlertFigures } from '../../lib/contracts/alerts.ts';
import { clock, count, zScore } from './format.ts';

type Worded = Pick<Alert, 'kind' | 'direction' | 'label'>;

const arrows = { negative: '↓', positive: '↑' } as const;

/** "Negative surge", "Sentiment ↓ fell", "Volume ↑ rose", "Model drift". */
export function movement(a: Worded): string {
  if (a.kind === 'model_drift') return 'Model drift';
  if (a.kind === 'surge') {
    const label = a.label ?? a.direction;
    return `${label === 'negative' ? 'Negative' : 'Positive'} surge`;
  }
  return `${a.kind === 'sentiment' ? 'Sentiment' : 'Volume'} ${arrows[a.direction]} ${a.direction === 'negative' ? 'fell' : 'rose'}`;
}

/** The watched value in its unit: a mean score for sentiment, a population stability index for drift, messages per second otherwise. */
export function alertValue(kind: Alert['kind'], v: number): string {
  if (kind === 'model_drift') return `PSI ${v.toFixed(2)}`;
  return kind === 'sentiment' ? (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(2) : `${v.toFixed(1)} msgs/s`;
}

/** A baseline's spread: a width, so never signed ("± 0.03", not "± +0.03"). */
export function alertSpread(kind: Alert['kind'], v: number): string {
  return kind === 'sentiment' ? Math.abs(v).toFixed(2) : `${Math.abs(v).toFixed(1)} msgs/s`;
}

/** "z +30.7, 31.8 msgs/s, 954 messages at 10:01:12": the numbers of one moment of the alert (a drift's have no z-score). */
export function figuresText(kind: Alert['kind'], f: AlertFigures): string {
  const messages = `${count(f.volume)} messages at ${clock(Date.parse(f.at))}`;
  if (kind === 'model_drift') return `${alertValue(kind, f.current)}, ${messages}`;
  return `z ${zScore(f.z)}, ${alertValue(kind, f.current)}, ${messages}`;
}

/** The kinds as the alert filters name them. */
export const kindNames: Record<Alert['kind'], string> = {
  sentiment: 'Sentiment shifts', volume: 'Volume spikes', surge: 'Label surges', model_drift: 'Model drift',
};
