import { Labels } from '../../lib/contracts/messages.ts';
import { count, percent, score } from '../lib/format.ts';
import { labelStyles } from '../lib/palette.ts';
import { totals, type Series } from '../lib/series.ts';

function Kpi({ name, value, detail, id }: { name: string; value: string; detail?: string; id: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-3 py-2">
      <dt className="text-xs text-slate-600">{name}</dt>
      <dd className="text-xl font-semibold tabular-nums" data-testid={id}>
        {value}
        {detail && <span className="text-sm font-normal text-slate-600"> {detail}</span>}
      </dd>
    </div>
  );
}

/** The window's counters and the live figures: throughput, lag, moving average, volume. */
export function Kpis({ series, throughput, lag }: { series: Series | null; throughput: number | null; lag: number | null }) {
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
      <Kpi id="kpi-lag" name="Lag (unclassified)" value={lag === null ? '–' : count(lag)} />
    </dl>
  );
}
