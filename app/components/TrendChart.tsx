'use client';
import type { ScaleOptions } from 'chart.js';
import { useMemo } from 'react';
import { Buckets } from '../../lib/contracts/api.ts';
import type { LiveAlert } from '../../lib/contracts/live.ts';
import { Labels } from '../../lib/contracts/messages.ts';
import { useTrendMeasure } from '../hooks/useTrendMeasure.ts';
import { ink } from '../lib/charts.ts';
import { clock, percent, score } from '../lib/format.ts';
import { labelStyles, seriesColours } from '../lib/palette.ts';
import type { Series } from '../lib/series.ts';
import { trendDatasets } from '../lib/trend-datasets.ts';
import type { TrendMeasure } from '../lib/trend-measure.ts';
import { trendNote } from '../lib/trend-note.ts';
import { trendRows } from '../lib/trend-rows.ts';
import { DotKey, LineKey } from './LineKey.tsx';
import { TimeChart } from './TimeChart.tsx';
import { TrendMeasureToggle } from './TrendMeasureToggle.tsx';

/** One y axis per measure, so no line is read against another's numbers. */
const yScales: Record<TrendMeasure, Record<string, ScaleOptions<'linear'>>> = {
  share: { y: { type: 'linear', min: 0, max: 100, title: { display: true, text: 'share %' }, grid: { color: ink.grid } } },
  score: { y: { type: 'linear', min: -1, max: 1, title: { display: true, text: 'mean score' }, grid: { color: ink.grid } } },
};

const described: Record<TrendMeasure, string> = {
  share: 'Share of each label in percent over time',
  score: 'Mean score (−1 to +1) over time',
};

/**
 * The labels' shares or the mean score over the window: a line whose points each rest on enough
 * messages (app/lib/trend-smoothing.ts), broken at outages, over the raw buckets as faint dots.
 */
export function TrendChart({ series, alerts, onPick }: { series: Series; alerts: readonly LiveAlert[]; onPick(t: number): void }) {
  const [measure, setMeasure] = useTrendMeasure();
  const bucketMs = Buckets[series.bucket] * 1000;
  const rows = useMemo(() => trendRows(series.points, bucketMs), [series.points, bucketMs]);
  const datasets = useMemo(() => trendDatasets(rows, measure, bucketMs), [rows, measure, bucketMs]);
  const note = trendNote(rows, series.bucket, bucketMs);

  const last = series.points.at(-1);
  const latest = last
    ? ` Latest bucket, ${clock(Date.parse(last.t))}: ${Labels.map((l) => `${l} ${percent(last[l], last.count)}`).join(', ')}, mean score ${score(last.meanScore)}.`
    : '';
  return (
    <TimeChart
      title="Trend"
      description={`${described[measure]}. ${note}${latest}`}
      range={series}
      datasets={datasets}
      yScales={yScales[measure]}
      alerts={alerts}
      onPick={onPick}
      testId="trend-chart"
      actions={<TrendMeasureToggle value={measure} onChange={setMeasure} />}
      legend={
        <>
          {measure === 'share' ? (
            Labels.map((l) => <LineKey key={l} colour={labelStyles[l].colour} dash={labelStyles[l].dash} name={`${labelStyles[l].glyph} ${labelStyles[l].name} %`} />)
          ) : (
            <LineKey colour={seriesColours.meanScore} dash={[]} name="mean score" />
          )}
          <DotKey colour={seriesColours.meanScore} name="one bucket" />
        </>
      }
      note={<p data-testid="trend-note" className="mt-1 text-xs text-slate-600">{note}</p>}
    />
  );
}
