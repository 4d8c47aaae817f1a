/**
 * Chart.js set-up shared by the overview's charts: only the parts they use are registered
 * (smaller bundle), and the options every streaming chart needs in one place.
 */
import {
  ArcElement, Chart, Decimation, DoughnutController, Filler, LinearScale, LineController, LineElement, PointElement, Tooltip,
  type ChartOptions, type ScaleOptions,
} from 'chart.js';
import { axisTime } from './format.ts';

Chart.register(ArcElement, DoughnutController, LineController, LineElement, PointElement, LinearScale, Filler, Tooltip, Decimation);
Chart.defaults.font.family = 'ui-sans-serif, system-ui, sans-serif';
Chart.defaults.color = '#334155';

/** An (x = epoch ms, y) point: the pre-parsed form that `parsing: false` and decimation need. */
export interface Point {
  x: number;
  y: number | null;
}

/**
 * Options of a time-series line chart. Streaming updates arrive several times a second, so no
 * animation at all (a transition would never finish); data is passed pre-parsed, and above a
 * few hundred points per line (long custom ranges) the decimation plugin thins it to what the
 * canvas can show.
 */
export function timeSeriesOptions(range: { from: number; to: number }, algorithm: 'lttb' | 'min-max'): ChartOptions<'line'> {
  const span = range.to - range.from;
  return {
    animation: false,
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    // A click anywhere above a bucket picks it: a 1-s bucket is a pixel or two wide.
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    elements: { point: { radius: 0, hitRadius: 4, hoverRadius: 3 } },
    plugins: {
      legend: { display: false },
      decimation: { enabled: true, algorithm, samples: 500, threshold: 600 },
      tooltip: { callbacks: { title: (items) => (items[0] ? axisTime(items[0].parsed.x ?? 0, 0) : '') } },
    },
    scales: { x: timeAxis(range.from, range.to, span) },
  };
}

function timeAxis(min: number, max: number, span: number): ScaleOptions<'linear'> {
  return {
    type: 'linear',
    min,
    max,
    ticks: { maxTicksLimit: 8, maxRotation: 0, callback: (value) => axisTime(Number(value), span) },
    grid: { color: '#e2e8f0' },
  };
}
