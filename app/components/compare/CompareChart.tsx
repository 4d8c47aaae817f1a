'use client';
import type { ChartDataset, ChartOptions } from 'chart.js';
import { useMemo } from 'react';
import { Line } from 'react-chartjs-2';
import { Buckets, type ShareResponse } from '../../../lib/contracts/api.ts';
import { bucketStart } from '../../../lib/contracts/live.ts';
import { ink, timeSeriesOptions, type Point } from '../../lib/charts.ts';
import type { Measure } from '../../lib/compare-view.ts';
import { streamStyle } from '../../lib/stream-styles.ts';
import { LineKey } from '../LineKey.tsx';

const measures: Record<Measure, { name: string; axis: string }> = {
  volume: { name: 'Volume', axis: 'msgs/s' },
  score: { name: 'Mean score', axis: 'mean score (−1…+1)' },
};

/**
 * Each stream's line over the window: messages per second (an empty bucket is 0), or its mean
 * score (an empty bucket has none, so the line breaks there rather than inventing one).
 */
function lines(share: ShareResponse, measure: Measure, names: ReadonlyMap<string, string>): ChartDataset<'line', Point[]>[] {
  const seconds = Buckets[share.bucket];
  const size = seconds * 1000;
  const from = Date.parse(share.from);
  const to = Date.parse(share.to);
  return share.streams.map((s, i) => {
    const byStart = new Map(s.buckets.map((b) => [Date.parse(b.t), b]));
    const data: Point[] = [];
    for (let t = bucketStart(from, share.bucket); t < to; t += size) {
      const b = byStart.get(t);
      data.push({ x: t, y: measure === 'volume' ? (b?.count ?? 0) / seconds : (b?.meanScore ?? null) });
    }
    const { colour, dash } = streamStyle(i);
    return { label: names.get(s.stream) ?? s.stream, data, borderColor: colour, backgroundColor: colour, borderDash: dash, borderWidth: 2, spanGaps: false };
  });
}

/** The compared streams on one chart, volume or mean score, with a legend that names each line. */
export function CompareChart({ share, names, measure, onMeasure }: {
  share: ShareResponse;
  names: ReadonlyMap<string, string>;
  measure: Measure;
  onMeasure(measure: Measure): void;
}) {
  const datasets = useMemo(() => lines(share, measure, names), [share, measure, names]);
  const options = useMemo((): ChartOptions<'line'> => {
    const base = timeSeriesOptions({ from: Date.parse(share.from), to: Date.parse(share.to) }, 'lttb');
    const y = measure === 'volume'
      ? { type: 'linear' as const, beginAtZero: true, title: { display: true, text: measures.volume.axis }, grid: { color: ink.grid } }
      : { type: 'linear' as const, min: -1, max: 1, title: { display: true, text: measures.score.axis }, grid: { color: ink.grid } };
    return { ...base, interaction: { mode: 'index', axis: 'x', intersect: false }, scales: { ...base.scales, y } };
  }, [share.from, share.to, measure]);
  const described = share.streams.map((s) => `${names.get(s.stream) ?? s.stream}: ${s.totals.count} messages`).join('; ');

  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-3">
      <figcaption className="mb-2 flex flex-wrap items-center gap-x-4 gap-y-1">
        <span className="font-semibold">{measures[measure].name} by stream ({share.bucket} buckets)</span>
        <span role="group" aria-label="Show on the chart" className="inline-flex overflow-hidden rounded border border-slate-400 text-sm">
          {(Object.keys(measures) as Measure[]).map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={measure === m}
              onClick={() => onMeasure(m)}
              className={`px-2 py-0.5 ${measure === m ? 'bg-slate-800 text-white' : 'bg-white hover:bg-slate-100'}`}
            >
              {measures[m].name}
            </button>
          ))}
        </span>
        <span className="flex flex-wrap gap-x-3 gap-y-1" data-testid="compare-legend">
          {share.streams.map((s, i) => (
            <LineKey key={s.stream} {...streamStyle(i)} name={names.get(s.stream) ?? s.stream} />
          ))}
        </span>
      </figcaption>
      <div className="relative h-64">
        <Line
          data={{ datasets }}
          options={options}
          updateMode="none"
          role="img"
          aria-label={`${measures[measure].name} of each compared stream over time (${described}); the table below has the figures.`}
          data-testid="compare-chart"
        />
      </div>
    </figure>
  );
}
