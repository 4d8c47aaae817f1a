import type { ClassifiersStatus } from '../../lib/contracts/live.ts';
import { Labels } from '../../lib/contracts/messages.ts';
import { count, duration, percent, score } from '../lib/format.ts';
import { labelStyles } from '../lib/palette.ts';
import { totals, type Series } from '../lib/series.ts';

function Kpi({ name, value, detail, note, id }: { name: string; value: string; detail?: string; note?: string; id: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-3 py-2">
      <dt className="text-xs text-slate-600">{name}</dt>
      <dd className="text-xl font-semibold tabular-nums" data-testid={id}>
        {value}
        {detail && <span className="text-sm font-normal text-slate-600"> {detail}</span>}
      </dd>
      {note && <dd className="text-xs text-slate-600" data-testid={`${id}-note`}>{note}</dd>}
    </div>
  );
}

/** "3 classifiers": the server's in-process members; nothing where they run as worker processes. */
function members(classifiers: ClassifiersStatus | null): string | undefined {
  if (!classifiers) return undefined;
  return `· ${count(classifiers.members)} classifier${classifiers.members === 1 ? '' : 's'}`;
}

/** "scaled up 12 s ago: lag 4,210 > 1,000 for 2.0 s" (the time as of this render; a status comes every ~2 s). */
function lastScale(classifiers: ClassifiersStatus | null, now: number): string | undefined {
  const step = classifiers?.lastScale;
  if (!step) return undefined;
  return `scaled ${step.direction} ${duration(Math.max(0, now - Date.parse(step.at)))} ago: ${step.reason}`;
}

/** The window's counters and the live figures: throughput, lag with the classifiers following it, moving average, volume. */
export function Kpis({ series, throughput, lag, classifiers }: {
  series: Series | null;
  throughput: number | null;
  lag: number | null;
  classifiers: ClassifiersStatus | null;
}) {
  const t = totals(series?.points ?? []);
  return (
    <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4 2xl:grid-cols-8" aria-label="Counters for the selected window">
      <Kpi id="kpi-total" name="Messages in window" value={count(t.count)} />
      {Labels.map((label) => (
        <Kpi
          key={label}
          id={`kpi-${label}`}
          name={`${labelStyles[label].glyph} ${labelStyles[label].name}`}
          value={count(t[label])}
          detail={percent(t[label], t.count)}
        />
      ))}
      <Kpi id="kpi-mean" name="Mean score (−1…+1)" value={score(t.meanScore)} detail={series?.live ? `30-s avg ${score(series.movingAverage)}` : undefined} />
      <Kpi id="kpi-throughput" name="Throughput" value={throughput === null ? '–' : `${count(Math.round(throughput))}/s`} detail={series?.volume != null ? `last s ${count(series.volume)}` : undefined} />
      <Kpi
        id="kpi-lag"
        name="Lag (unclassified)"
        value={lag === null ? '–' : count(lag)}
        detail={members(classifiers)}
        note={lastScale(classifiers, Date.now())}
      />
    </dl>
  );
}
