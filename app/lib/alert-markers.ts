/**
 * A Chart.js plugin that marks alerts on the time axis: a dashed vertical line and a "⚠"
 * with the stream's name at the top, so a marker reads without its colour.
 */
import type { Chart, Plugin } from 'chart.js';
import type { LiveAlert } from '../../lib/contracts/live.ts';
import { streamTitle } from './live-alerts.ts';
import { seriesColours } from './palette.ts';

/** The marker names the stream by id ("All messages" for every message's). */
const noNames = new Map<string, string>();

/** `alerts()` is read at every draw, so the plugin object itself never changes. */
export function alertMarkers(alerts: () => readonly LiveAlert[]): Plugin<'line'> {
  return {
    id: 'alertMarkers',
    afterDatasetsDraw(chart: Chart<'line'>) {
      const { ctx, chartArea: area, scales } = chart;
      const x = scales.x;
      if (!x) return;
      ctx.save();
      ctx.strokeStyle = seriesColours.alert;
      ctx.fillStyle = seriesColours.alert;
      ctx.setLineDash([4, 3]);
      ctx.font = '12px ui-sans-serif, system-ui, sans-serif';
      for (const alert of alerts()) {
        const t = Date.parse(alert.at);
        if (t < x.min || t > x.max) continue;
        const px = x.getPixelForValue(t);
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        ctx.fillText(`⚠ ${streamTitle(alert.stream, noNames)}`, Math.min(px + 3, area.right - 60), area.top + 12);
      }
      ctx.restore();
    },
  };
}
