/**
 * Alert markers on the time axis: a Chart.js plugin draws each alert's dashed vertical line on
 * the canvas and lays out their labels ("⚠" and the stream's name), which the chart shows as
 * elements over the canvas (TimeChart), so a label can carry a tooltip and be found by a test.
 *
 * Labels never overlap: one that would cover another goes one lane down, and when every lane is
 * taken it merges with its left neighbour into one "⚠ 3 alerts" label whose tooltip lists them.
 * Every label stays inside the plot area, so none is cut off at the chart's edges.
 */
import type { Chart, Plugin } from 'chart.js';
import type { LiveAlert } from '../../lib/contracts/live.ts';
import { movement } from './alert-text.ts';
import { clock } from './format.ts';
import { streamTitle } from './live-alerts.ts';
import { seriesColours } from './palette.ts';

/** The labels' font, on the canvas (to measure them) and on the elements that show them. */
export const markerFont = '12px ui-sans-serif, system-ui, sans-serif';
/** One lane's height and the padding inside a label, in CSS pixels. */
export const laneHeight = 18;
const padding = 3;
/** Space kept between two labels in one lane. */
const gap = 4;
/** Below this many lanes the labels would hide the top of the lines they mark. */
const maxLanes = 3;

/** An alert to mark: where it goes and what its label and tooltip say. */
export interface MarkerAlert {
  id: string;
  x: number;
  name: string;
  /** One line of the tooltip: what moved and when. */
  detail: string;
}

/** A label over the plot area, in CSS pixels from the canvas's top left corner. */
export interface MarkerLabel {
  ids: string[];
  text: string;
  /** Every alert it stands for, one a line. */
  tooltip: string;
  left: number;
  top: number;
  width: number;
}

export interface PlotArea {
  left: number;
  right: number;
  top: number;
}

/**
 * Places the labels of `alerts` (sorted by `x` here) in the plot area: each starts at its line
 * (pulled left at the right edge), in the first lane where it clears the label before it.
 * `textWidth` measures a label's text in {@link markerFont}.
 */
export function layoutMarkers(alerts: readonly MarkerAlert[], area: PlotArea, textWidth: (text: string) => number): MarkerLabel[] {
  let groups = [...alerts].sort((a, b) => a.x - b.x).map((a) => [a]);
  for (;;) {
    const placed = placeGroups(groups, area, textWidth);
    if (placed.labels) return placed.labels;
    // The group that found no lane joins its left neighbour; fewer groups always fit in the end (one fits in lane 0).
    const i = placed.unplaced;
    groups = [...groups.slice(0, i - 1), [...groups[i - 1]!, ...groups[i]!], ...groups.slice(i + 1)];
  }
}

function placeGroups(
  groups: readonly MarkerAlert[][],
  area: PlotArea,
  textWidth: (text: string) => number,
): { labels: MarkerLabel[]; unplaced?: never } | { labels?: never; unplaced: number } {
  const laneEnds: number[] = [];
  const labels: MarkerLabel[] = [];
  const areaWidth = Math.max(0, area.right - area.left);
  for (const [i, group] of groups.entries()) {
    const first = group[0]!;
    const text = group.length === 1 ? `⚠ ${first.name}` : `⚠ ${group.length} alerts`;
    // Wider than the plot area: the element cuts the text with an ellipsis.
    const width = Math.min(Math.ceil(textWidth(text)) + 2 * padding, areaWidth);
    const left = Math.max(area.left, Math.min(first.x, area.right - width));
    let lane = laneEnds.findIndex((end) => end + gap <= left);
    if (lane === -1) lane = laneEnds.length;
    if (lane >= maxLanes) return { unplaced: i };
    laneEnds[lane] = left + width;
    labels.push({
      ids: group.map((a) => a.id),
      text,
      tooltip: group.map((a) => `${a.name}: ${a.detail}`).join('\n'),
      left,
      top: area.top + 2 + lane * laneHeight,
      width,
    });
  }
  return { labels };
}

/** What an alert's marker says: its stream's name ("All messages" for every message's). */
export function markerAlert(alert: LiveAlert, x: number, names: ReadonlyMap<string, string>): MarkerAlert {
  return { id: alert.id, x, name: streamTitle(alert.stream, names), detail: `${movement(alert)}, ${alert.severity}, at ${clock(Date.parse(alert.at))}` };
}

/** Labels as drawn last; the chart shows them only when they changed (a draw happens at every tick). */
export const sameLabels = (a: readonly MarkerLabel[], b: readonly MarkerLabel[]): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The plugin: lines on the canvas, labels handed to `onLabels` after each draw. `alerts()` and
 * `names()` are read at every draw, so the plugin object itself never changes.
 */
export function alertMarkers(
  alerts: () => readonly LiveAlert[],
  names: () => ReadonlyMap<string, string>,
  onLabels: (labels: MarkerLabel[]) => void,
): Plugin<'line'> {
  return {
    id: 'alertMarkers',
    afterDatasetsDraw(chart: Chart<'line'>) {
      const { ctx, chartArea: area, scales } = chart;
      const x = scales.x;
      if (!x) return;
      const shown: MarkerAlert[] = [];
      ctx.save();
      ctx.strokeStyle = seriesColours.alert;
      ctx.setLineDash([4, 3]);
      for (const alert of alerts()) {
        const t = Date.parse(alert.at);
        if (t < x.min || t > x.max) continue;
        const px = x.getPixelForValue(t);
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        shown.push(markerAlert(alert, px, names()));
      }
      ctx.font = markerFont;
      const labels = layoutMarkers(shown, area, (text) => ctx.measureText(text).width);
      ctx.restore();
      onLabels(labels);
    },
  };
}
