/**
 * How each label looks. Okabe–Ito colours, which stay distinct under the common colour-vision
 * deficiencies, and every use pairs the colour with a glyph, a line dash or a fill pattern and
 * the label's name, so colour is never the only cue.
 */
import type { AlertStatuses, Severity } from '../../lib/contracts/alerts.ts';
import type { Label } from '../../lib/contracts/messages.ts';

type AlertStatus = (typeof AlertStatuses)[number];

/** A colour never comes alone: the glyph and the name go with it. */
export interface BadgeStyle {
  name: string;
  colour: string;
  /** Shown beside the name in badges and legends. */
  glyph: string;
}

export interface LabelStyle extends BadgeStyle {
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
  /** Bluish green rather than black: it reads on the dark theme's background too. */
  meanScore: '#009E73',
  movingAverage: '#E69F00',
  volume: '#56B4E9',
  alert: '#CC79A7',
} as const;

/**
 * How an alert's severity looks: Okabe–Ito colours again, always beside a glyph and the word
 * (a badge reads the same in greyscale).
 */
export const severityStyles: Record<Severity, BadgeStyle> = {
  info: { name: 'Info', colour: '#56B4E9', glyph: 'ℹ' },
  warning: { name: 'Warning', colour: '#E69F00', glyph: '⚠' },
  critical: { name: 'Critical', colour: '#D55E00', glyph: '‼' },
};

/** An alert's status as glyph and word; the glyph fills as the alert is dealt with. */
export const statusStyles: Record<AlertStatus, { name: string; glyph: string }> = {
  open: { name: 'Open', glyph: '○' },
  acknowledged: { name: 'Acknowledged', glyph: '◐' },
  resolved: { name: 'Resolved', glyph: '●' },
};
