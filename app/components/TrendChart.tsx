'use client';
import type { ChartDataset, ScaleOptions } from 'chart.js';
import { useMemo } from 'react';
import type { LiveAlert } from '../../lib/contracts/live.ts';
import { Labels } from '../../lib/contracts/messages.ts';
import type { Point } from '../lib/charts.ts';
import { clock, percent, score } from '../lib/format.ts';
import { labelStyles, seriesColours } from '../lib/palette.ts';
import { trailingMeans, type Series } from '../lib/series.ts';
import { LineKey } from './LineKey.tsx';
import { TimeChart } from './TimeChart.tsx';

const movingAverageDash = [6, 2, 1, 2];

const yScales: Record<string, ScaleOptions<'linear'>> = {
  y: { type: 'linear', min: 0, max: 100, title: { display: true, text: 'share %' }, grid: { color: '#e2e8f0' } },
  y1: { type: 'linear', position: 'right', min: -1, max: 1, title: { display: true, text: 'score' }, grid: { display: false } },
};

/** Label shares (left axis) and the mean score with its 30-s moving average (right axis). */
export function TrendChart({ series, alerts, onPick }: { series: Series; alerts: readonly LiveAlert[]; onPick(t: number): void }) {
  const datasets = useMemo(() => {
    const { points } = series;
    const x = points.map((p) => Date.parse(p.t));
    const line = (label: string, colour: string, dash: number[], yAxisID: string, y: (i: number) => number, width = 2): ChartDataset<'line', Point[]> => ({
      label, borderColor: colour, backgroundColor: colour, borderDash: dash, borderWidth: width, yAxisID,
      data: x.map((t, i) => ({ x: t, y: y(i) })),
    });
    const means = trailingMeans(points, series.bucket);
    return [
      ...Labels.map((l) => line(`${labelStyles[l].name} share`, labelStyles[l].colour, labelStyles[l].dash, 'y', (i) => (100 * points[i]![l]) / points[i]!.count)),
      line('Mean score', seriesColours.meanScore, [], 'y1', (i) => points[i]!.meanScore, 1),
      line('30-s moving average', seriesColours.movingAverage, movingAverageDash, 'y1', (i) => means[i]!, 3),
    ];
  }, [series]);

  const last = series.points.at(-1);
  const latest = last
    ? ` Latest bucket, ${clock(Date.parse(last.t))}: ${Labels.map((l) => `${l} ${percent(last[l], last.count)}`).join(', ')}, mean score ${score(last.meanScore)}.`
    : '';
  return (
    <TimeChart
      title="Trend"
      description={`Share of each label in percent and the mean score with its 30-second moving average, over time.${latest}`}
      range={series}
      datasets={datasets}
      yScales={yScales}
      decimation="lttb"
      alerts={alerts}
      onPick={onPick}
      testId="trend-chart"
      legend={
        <>
          {Labels.map((l) => (
            <LineKey key={l} colour={labelStyles[l].colour} dash={labelStyles[l].dash} name={`${labelStyles[l].glyph} ${labelStyles[l].name} %`} />
          ))}
          <LineKey colour={seriesColours.meanScore} dash={[]} width={1} name="mean score" />
          <LineKey colour={seriesColours.movingAverage} dash={movingAverageDash} width={3} name="30-s moving avg" />
        </>
      }
    />
  );
}
