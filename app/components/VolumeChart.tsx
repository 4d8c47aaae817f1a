'use client';
import type { ChartDataset, ScaleOptions } from 'chart.js';
import { useMemo } from 'react';
import { Buckets } from '../../lib/contracts/api.ts';
import type { LiveAlert } from '../../lib/contracts/live.ts';
import { ink, type Point } from '../lib/charts.ts';
import { clock, count } from '../lib/format.ts';
import { seriesColours } from '../lib/palette.ts';
import type { Series } from '../lib/series.ts';
import { TimeChart } from './TimeChart.tsx';

const yScales: Record<string, ScaleOptions<'linear'>> = {
  y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'msgs/s' }, grid: { color: ink.grid } },
};

/**
 * Messages per second, bucket by bucket. Empty buckets are drawn as zero (the series keeps
 * only non-empty ones), so a quiet minute shows as a gap in volume, not a line across it.
 */
export function VolumeChart({ series, alerts, onPick }: { series: Series; alerts: readonly LiveAlert[]; onPick(t: number): void }) {
  const datasets = useMemo((): ChartDataset<'line', Point[]>[] => {
    const size = Buckets[series.bucket] * 1000;
    const counts = new Map(series.points.map((p) => [Date.parse(p.t), p.count]));
    const data: Point[] = [];
    for (let t = Math.floor(series.from / size) * size; t < series.to; t += size) {
      data.push({ x: t, y: (counts.get(t) ?? 0) / Buckets[series.bucket] });
    }
    return [
      {
        label: 'Messages per second',
        data,
        stepped: 'before',
        fill: 'origin',
        borderColor: seriesColours.volume,
        backgroundColor: `${seriesColours.volume}66`,
        borderWidth: 1,
      },
    ];
  }, [series]);

  const data = datasets[0]!.data;
  const peak = data.reduce((max, p) => ((p.y ?? 0) > (max.y ?? 0) ? p : max), data[0] ?? { x: 0, y: 0 });
  const total = series.points.reduce((n, p) => n + p.count, 0);
  return (
    <TimeChart
      title="Volume (messages per second)"
      description={`Messages per second over time: ${count(total)} messages, at most ${count(peak.y ?? 0)} per second (${clock(peak.x)}).`}
      range={series}
      datasets={datasets}
      yScales={yScales}
      decimation="min-max"
      alerts={alerts}
      onPick={onPick}
      testId="volume-chart"
    />
  );
}
