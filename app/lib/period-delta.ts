/**
 * A figure against the same figure over the previous period of the same length, in words: the
 * KPI cards' and the comparison table's "▲ 12 %", "▼ 2.1 pp", "▲ +0.08". The arrow gives the
 * direction, the tone whether that is good news for sentiment; the text never relies on colour.
 */

/** Which way is good news: more positive, less negative; volume and neutral are neither. */
export type GoodWhen = 'up' | 'down' | null;

export type Tone = 'better' | 'worse' | 'neutral';

export interface Delta {
  /** "▲ 12 %", "▼ 2.1 pp", "= 0 %", "▲ from 0". */
  text: string;
  direction: 'up' | 'down' | 'flat';
  tone: Tone;
}

function delta(change: number, amount: string, goodWhen: GoodWhen): Delta {
  const direction = change > 0 ? 'up' : change < 0 ? 'down' : 'flat';
  const arrow = { up: '▲', down: '▼', flat: '=' }[direction];
  const tone: Tone = direction === 'flat' || goodWhen === null ? 'neutral' : direction === goodWhen ? 'better' : 'worse';
  return { text: `${arrow} ${amount}`, direction, tone };
}

/** Rounds to `digits` decimals, so the direction agrees with what the text shows ("▲ 0 %" never). */
const rounded = (value: number, digits: number): number => Number(value.toFixed(digits)) || 0;

/** A count's relative change in whole percent; from 0 it has no percentage, so it says so. */
export function countDelta(current: number, previous: number, goodWhen: GoodWhen = null): Delta {
  if (previous === 0) return current === 0 ? delta(0, '0 %', goodWhen) : delta(1, 'from 0', goodWhen);
  const change = rounded((100 * (current - previous)) / previous, 0);
  return delta(change, `${Math.abs(change)} %`, goodWhen);
}

/**
 * A share's change in percentage points (one decimal), each share a part of its period's whole;
 * null when either period has no messages (no share to compare).
 */
export function shareDelta(current: { part: number; whole: number }, previous: { part: number; whole: number }, goodWhen: GoodWhen): Delta | null {
  if (current.whole === 0 || previous.whole === 0) return null;
  const change = rounded(100 * (current.part / current.whole - previous.part / previous.whole), 1);
  return delta(change, `${Math.abs(change).toFixed(1)} pp`, goodWhen);
}

/** A mean score's signed difference (two decimals, like the score); null when either is unknown. */
export function scoreDelta(current: number | null, previous: number | null): Delta | null {
  if (current === null || previous === null) return null;
  const change = rounded(current - previous, 2);
  return delta(change, `${change > 0 ? '+' : change < 0 ? '−' : '±'}${Math.abs(change).toFixed(2)}`, 'up');
}
