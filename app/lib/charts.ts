/**
 * Chart.js set-up shared by the overview's charts: only the parts they use are registered
 * (smaller bundle), and the options every streaming chart needs in one place.
 */
import {
  ArcElement, Chart, Decimation, DoughnutController, Filler, LinearScale, LineController, LineElement, PointElement, Tooltip,
  type ChartOptions, type ScaleOptions,
} from 'chart.js';
import { axisTime, count } from './format.ts';
import { tickLabel, tickStep, timeTicks } from './time-ticks.ts';

Chart.register(ArcElement, DoughnutController, LineController, LineElement, PointElement, LinearScale, Filler, Tooltip, Decimation);

/**
 * The canvases' own colours (text, grid lines, the gap between slices), which CSS cannot reach:
 * the page follows the system's colour scheme (app/globals.css), and a chart takes the scheme's
 * inks when it is made. Charts draw only in the browser; the server's render gets the light ones.
 */
export const ink = typeof window !== 'undefined' && window.matchMedia('(prefers-color-scheme: dark)').matches
  ? { text: '#cbd5e1', grid: '#334155', surface: '#0f172a' }
  : { text: '#334155', grid: '#e2e8f0', surface: '#ffffff' };

Chart.defaults.font.family = 'ui-sans-serif, system-ui, sans-serif';
Chart.defaults.color = ink.text;

/** An (x = epoch ms, y) point: the pre-parsed form that `parsing: false` needs; null y breaks the line. */
export interface Point {
  x: number;
  y: number | null;
}

/** A point that says how many messages its value rests on (the tooltip shows it). */
export interface CountedPoint extends Point {
  messages: number;
}

/**
 * Options of a time-series line chart. Streaming updates arrive several times a second, so no
 * animation at all (a transition would never finish); data is passed pre-parsed. A window has at
 * most 1,000 buckets (lib/contracts/live.ts), which a canvas draws at once, so thinning is
 * optional: `decimation` turns it on above 600 points a line. It treats a null as 0, so a chart
 * whose lines break at null points (the trend's outages) goes without.
 */
export function timeSeriesOptions(range: { from: number; to: number }, decimation?: 'lttb' | 'min-max'): ChartOptions<'line'> {
  return {
    animation: false,
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    spanGaps: false,
    // A click anywhere above a bucket picks it: a 1-s bucket is a pixel or two wide.
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    elements: { point: { radius: 0, hitRadius: 4, hoverRadius: 3 } },
    plugins: {
      legend: { display: false },
      decimation: { enabled: decimation !== undefined, algorithm: decimation ?? 'min-max', samples: 500, threshold: 600 },
      tooltip: {
        callbacks: {
          title: (items) => (items[0] ? axisTime(items[0].parsed.x ?? 0, 0) : ''),
          label: (item) => {
            const shown = `${item.dataset.label ?? ''}: ${item.formattedValue}`;
            const { messages } = item.raw as Partial<CountedPoint>;
            return messages === undefined ? shown : `${shown} (${count(messages)} messages)`;
          },
        },
      },
    },
    scales: { x: timeAxis(range.from, range.to) },
  };
}

/** The window's time axis, its ticks at round local times (time-ticks.ts) for the width it is drawn at. */
function timeAxis(min: number, max: number): ScaleOptions<'linear'> {
  return {
    type: 'linear',
    min,
    max,
    afterBuildTicks: (scale) => {
      const step = tickStep(scale.max - scale.min, scale.width);
      scale.ticks = timeTicks(scale.min, scale.max, step).map((value) => ({ value, label: tickLabel(value, step) }));
    },
    // The labels were made with the ticks, where the step is known; Chart.js asks for them here.
    ticks: { autoSkip: false, maxRotation: 0, callback: (_value, index, ticks) => ticks[index]?.label ?? '' },
    grid: { color: ink.grid },
  };
}
