'use client';
import type { Chart, ChartDataset, ScaleOptions } from 'chart.js';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Line } from 'react-chartjs-2';
import type { LiveAlert } from '../../lib/contracts/live.ts';
import { useChartKeys } from '../hooks/useChartKeys.ts';
import { useStreams } from '../hooks/useStreams.ts';
import { alertMarkers, markerFont, sameLabels, type MarkerLabel } from '../lib/alert-markers.ts';
import { timeSeriesOptions, type Point } from '../lib/charts.ts';

export interface TimeChartProps {
  title: string;
  /** What the chart shows and its latest figures, in words, for screen readers. */
  description: string;
  range: { from: number; to: number };
  datasets: ChartDataset<'line', Point[]>[];
  /** Scales besides the shared time axis: one y axis, so every line reads against the same numbers. */
  yScales: Record<string, ScaleOptions<'linear'>>;
  /** Thinning of long lines (charts.ts); without it, lines may break at null points. */
  decimation?: 'min-max';
  alerts: readonly LiveAlert[];
  /** Called with the start (epoch ms) of the bucket that was clicked or picked by keyboard. */
  onPick(t: number): void;
  testId: string;
  legend?: ReactNode;
  /** Controls beside the title (the trend's measure). */
  actions?: ReactNode;
  /** A line under the chart: what a point stands for. */
  note?: ReactNode;
}

/** A line chart over the window's time axis with alert markers; a point opens its drill-down. */
export function TimeChart(props: TimeChartProps) {
  const { range, decimation, yScales, onPick } = props;
  const chart = useRef<Chart<'line', Point[]> | undefined>(undefined);
  const alerts = useRef(props.alerts);
  alerts.current = props.alerts;
  // The markers name streams; the page hands the chart alerts only, so it reads the names itself.
  const { names: streamNames } = useStreams();
  const names = useRef(streamNames);
  names.current = streamNames;
  // The markers are drawn from these refs: alerts and names that arrive after the data (a fixed window gets no ticks) need a draw.
  useEffect(() => chart.current?.draw(), [props.alerts, streamNames]);
  const [labels, setLabels] = useState<MarkerLabel[]>([]);
  const showLabels = useCallback((next: MarkerLabel[]) => setLabels((shown) => (sameLabels(shown, next) ? shown : next)), []);
  const plugins = useMemo(() => [alertMarkers(() => alerts.current, () => names.current, showLabels)], [showLabels]);

  const pick = (index: number) => {
    const x = chart.current?.data.datasets[0]?.data[index]?.x;
    if (x !== undefined) onPick(x);
  };
  const onKeyDown = useChartKeys(chart, pick);
  const options = useMemo(() => {
    const base = timeSeriesOptions(range, decimation);
    return {
      ...base,
      scales: { ...base.scales, ...yScales },
      onClick: (_event: unknown, elements: { datasetIndex: number; index: number }[], c: Chart) => {
        const el = elements[0];
        const x = el && (c.data.datasets[el.datasetIndex]?.data[el.index] as Point | undefined)?.x;
        if (x !== undefined) onPick(x);
      },
    };
  }, [range, decimation, yScales, onPick]);

  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-3">
      <figcaption className="mb-2 flex flex-wrap items-baseline gap-x-4 gap-y-1">
        <span className="font-semibold">{props.title}</span>
        {props.actions}
        {props.legend}
      </figcaption>
      <div className="relative h-56">
        <Line
          ref={chart}
          data={{ datasets: props.datasets }}
          options={options}
          plugins={plugins}
          updateMode="none"
          tabIndex={0}
          role="img"
          aria-label={`${props.description} Use the arrow keys to move between points and Enter to list a point's messages.`}
          onKeyDown={onKeyDown}
          data-testid={props.testId}
        />
        {labels.map((label) => (
          <span
            key={label.ids.join(' ')}
            title={label.tooltip}
            data-testid="alert-marker"
            data-alert-ids={label.ids.join(' ')}
            className="absolute overflow-hidden text-ellipsis whitespace-nowrap border-l-2 border-[#CC79A7] bg-white/90 text-slate-900"
            // The layout measured the text in this font with 3 px on each side (the border is 2 of the left's).
            style={{ left: label.left, top: label.top, width: label.width, font: markerFont, lineHeight: '16px', padding: '0 3px 0 1px' }}
          >
            {label.text}
          </span>
        ))}
      </div>
      {props.note}
    </figure>
  );
}
