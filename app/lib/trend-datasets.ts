/**
 * The trend chart's lines for one measure (trend-measure.ts): for each series, the smoothed
 * line (trend-smoothing.ts) over its raw buckets drawn as faint dots. All datasets share the
 * rows' x values, index for index, so the keyboard's cursor and the tooltip move over one time
 * at a time; the raw dots come first (they have a value at every bucket, which the keyboard
 * walks), the lines are drawn over them.
 */
import type { ChartDataset } from 'chart.js';
import { Labels } from '../../lib/contracts/messages.ts';
import type { CountedPoint } from './charts.ts';
import { labelStyles, seriesColours } from './palette.ts';
import type { TrendMeasure } from './trend-measure.ts';
import type { TrendRow } from './trend-rows.ts';

/** One plotted series: its name and colour, and its value in a bucket or a pool. */
interface Measured {
  name: string;
  colour: string;
  dash: number[];
  value(cell: { count: number; negative: number; neutral: number; positive: number; meanScore: number }): number;
}

function measured(measure: TrendMeasure): Measured[] {
  if (measure === 'score') return [{ name: 'Mean score', colour: seriesColours.meanScore, dash: [], value: (c) => c.meanScore }];
  return Labels.map((l) => ({ ...labelStyles[l], name: `${labelStyles[l].name} %`, value: (c) => (100 * c[l]) / c.count }));
}

/** Faint: the raw buckets are there to show the spread, not to be read one by one. */
const rawAlpha = '55';

/** A point's pooled buckets, from the start of the first to the end of the last (epoch ms). */
export interface TrendPoint extends CountedPoint {
  from: number;
  to: number;
}

export type TrendDataset = ChartDataset<'line', TrendPoint[]>;

export function trendDatasets(rows: readonly TrendRow[], measure: TrendMeasure, bucketMs: number): TrendDataset[] {
  const series = measured(measure);
  const raw = series.map((s): TrendDataset => ({
    label: `${s.name}, one bucket`,
    data: rows.map((r) => ({ x: r.t, y: r.bucket && s.value(r.bucket), messages: r.bucket?.count ?? 0, from: r.t, to: r.t + bucketMs })),
    showLine: false,
    pointRadius: 2,
    pointHoverRadius: 3,
    borderColor: `${s.colour}${rawAlpha}`,
    backgroundColor: `${s.colour}${rawAlpha}`,
    order: 1,
  }));
  const smoothed = series.map((s): TrendDataset => ({
    label: s.name,
    data: rows.map((r) => ({ x: r.t, y: r.pool && s.value(r.pool), messages: r.pool?.count ?? 0, from: r.pool?.from ?? r.t, to: r.pool?.to ?? r.t + bucketMs })),
    borderColor: s.colour,
    backgroundColor: s.colour,
    borderDash: s.dash,
    borderWidth: 2,
    order: 0,
  }));
  return [...raw, ...smoothed];
}
