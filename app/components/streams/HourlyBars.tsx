import type { PreviewResult } from '../../lib/streams-api.ts';
import { axisTime, count } from '../../lib/format.ts';
import { seriesColours } from '../../lib/palette.ts';

const hourMs = 3_600_000;
/** Ticks as hours and minutes (format.ts's axisTime for a range of a day). */
const span = 24 * hourMs;

/** Matched messages per hour over the preview's range, empty hours included, as small bars. */
export function HourlyBars({ result }: { result: PreviewResult }) {
  const counts = new Map(result.hours.map((h) => [Date.parse(h.t), h.count]));
  const first = Math.floor(Date.parse(result.from) / hourMs) * hourMs;
  const last = Date.parse(result.to);
  const hours: Array<{ t: number; n: number }> = [];
  for (let t = first; t < last; t += hourMs) hours.push({ t, n: counts.get(t) ?? 0 });
  const peak = hours.reduce((p, h) => (h.n > p.n ? h : p), hours[0] ?? { t: first, n: 0 });
  const width = 100 / Math.max(1, hours.length);

  return (
    <figure>
      <figcaption className="text-xs text-slate-700">
        Per hour: at most {count(peak.n)} (the hour from {axisTime(peak.t, span)})
      </figcaption>
      <svg
        viewBox="0 0 100 40"
        preserveAspectRatio="none"
        className="mt-1 h-16 w-full rounded bg-slate-50"
        role="img"
        aria-label={`Matched messages per hour over the last ${hours.length} hours; the busiest hour, from ${axisTime(peak.t, span)}, has ${count(peak.n)}.`}
      >
        {hours.map((h, i) => {
          const height = peak.n ? (40 * h.n) / peak.n : 0;
          return (
            <rect key={h.t} x={i * width + width * 0.1} y={40 - height} width={width * 0.8} height={height} fill={seriesColours.volume}>
              <title>{`${axisTime(h.t, span)}: ${count(h.n)}`}</title>
            </rect>
          );
        })}
      </svg>
      <div className="flex justify-between text-[10px] text-slate-600" aria-hidden="true">
        <span>{axisTime(first, span)}</span>
        <span>now</span>
      </div>
    </figure>
  );
}
