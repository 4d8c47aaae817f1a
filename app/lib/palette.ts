/**
 * How each label looks. Okabe–Ito colours, which stay distinct under the common colour-vision
 * deficiencies, and every use pairs the colour with a glyph, a line dash or a fill pattern and
 * the label's name, so colour is never the only cue.
 */
import type { Label } from '../../lib/sentiment.ts';

export interface LabelStyle {
  name: string;
  colour: string;
  /** Shown beside the name in badges and legends. */
  glyph: string;
  /** Line dash of the label's share in the trend chart. */
  dash: number[];
}

export const labelStyles: Record<Label, LabelStyle> = {
  negative: { name: 'Negative', colour: '#D55E00', glyph: '▼', dash: [2, 3] },
  neutral: { name: 'Neutral', colour: '#999999', glyph: '●', dash: [8, 4] },
  positive: { name: 'Positive', colour: '#0072B2', glyph: '▲', dash: [] },
};

/** Series that are not a label. */
export const seriesColours = {
  meanScore: '#000000',
  movingAverage: '#E69F00',
  volume: '#56B4E9',
  alert: '#CC79A7',
} as const;
