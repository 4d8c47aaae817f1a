import type { ClassifiersStatus } from '../../lib/contracts/live.ts';
import { Labels, type Label } from '../../lib/contracts/messages.ts';
import { usePreviousPeriod, type PreviousPeriod } from '../hooks/usePreviousPeriod.ts';
import { count, duration, percent, score } from '../lib/format.ts';
import { labelStyles } from '../lib/palette.ts';
import { countDelta, scoreDelta, shareDelta, type Delta, type GoodWhen, type Tone } from '../lib/period-delta.ts';
import { totals, type Series, type Totals } from '../lib/series.ts';
import { filteredRate } from '../lib/throughput.ts';
import type { View } from '../lib/view.ts';

/** The tone's colour, always beside the arrow and the word (darker shades: small text on white). */
const toneClass: Record<Tone, string> = {
  better: 'text-blue-700 dark:text-blue-300',
  worse: 'text-orange-800 dark:text-orange-300',
  neutral: 'text-slate-600',
};

/** Good news for sentiment: fewer negative, more positive; the neutral share is neither. */
const goodWhen: Record<Label, GoodWhen> = { negative: 'down', neutral: null, positive: 'up' };

/** A card's change against the previous period: the delta, or why there is none. */
type Change = { delta: Delta | null; period: string } | { failed: string };

function ChangeLine({ change, id }: { change: Change | undefined; id: string }) {
  if (!change) return null;
  if ('failed' in change) {
    return <dd className="text-xs text-slate-600" data-testid={`${id}-delta`} title={change.failed}>vs previous period: not loaded</dd>;
  }
  const { delta, period } = change;
  if (!delta) {
    return <dd className="text-xs text-slate-600" data-testid={`${id}-delta`} title="No messages in one of the two periods">– vs previous {period}</dd>;
  }
  return (
    <dd className={`text-xs ${toneClass[delta.tone]}`} data-testid={`${id}-delta`} data-tone={delta.tone}>
      {delta.text} vs previous {period}
      {delta.tone !== 'neutral' && ` · ${delta.tone}`}
    </dd>
  );
}

function Kpi({ name, value, detail, note, change, id }: { name: string; value: string; detail?: string; note?: string; change?: Change; id: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-3 py-2">
      <dt className="text-xs text-slate-600">{name}</dt>
      <dd className="text-xl font-semibold tabular-nums" data-testid={id}>
        {value}
        {detail && <span className="text-sm font-normal text-slate-600"> {detail}</span>}
      </dd>
      <ChangeLine change={change} id={id} />
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

/** Messages per second: one decimal below 10 (a filtered stream is often slower than 1/s). */
const rate = (perSecond: number): string => `${perSecond < 10 ? perSecond.toFixed(1) : count(Math.round(perSecond))}/s`;

/** Each card's change against the previous period, once it is known (nothing while it loads). */
function changes(current: Totals, previous: PreviousPeriod): ((figure: 'count' | 'meanScore' | Label) => Change) | null {
  if (previous.state === 'loading') return null;
  if (previous.state === 'failed') return () => ({ failed: previous.message });
  const before = previous.totals;
  const period = duration(previous.lengthMs);
  return (figure) => {
    if (figure === 'count') return { delta: countDelta(current.count, before.count), period };
    if (figure === 'meanScore') return { delta: scoreDelta(current.meanScore, before.meanScore), period };
    return { delta: shareDelta({ part: current[figure], whole: current.count }, { part: before[figure], whole: before.count }, goodWhen[figure]), period };
  };
}

/**
 * The window's counters, each with its change against the previous period of the same length,
 * and the live figures: throughput (the view's own rate under a stream or source filter), lag
 * with the classifiers following it, moving average, volume.
 */
export function Kpis({ view, series, throughput, lag, classifiers }: {
  view: View;
  series: Series | null;
  throughput: number | null;
  lag: number | null;
  classifiers: ClassifiersStatus | null;
}) {
  const t = totals(series?.points ?? []);
  const previous = usePreviousPeriod(view);
  const change = series ? changes(t, previous) : null;
  // The live status counts every message the server classifies; a filtered view has its own rate.
  const own = (view.stream || view.source) && series ? filteredRate(series) : null;
  return (
    <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4 2xl:grid-cols-8" aria-label="Counters for the selected window">
      <Kpi id="kpi-total" name="Messages in window" value={count(t.count)} change={change?.('count')} />
      {Labels.map((label) => (
        <Kpi
          key={label}
          id={`kpi-${label}`}
          name={`${labelStyles[label].glyph} ${labelStyles[label].name}`}
          value={count(t[label])}
          detail={percent(t[label], t.count)}
          change={change?.(label)}
        />
      ))}
      <Kpi
        id="kpi-mean"
        name="Mean score (−1…+1)"
        value={score(t.meanScore)}
        detail={series?.live ? `30-s avg ${score(series.movingAverage)}` : undefined}
        change={change?.('meanScore')}
      />
      {own ? (
        <Kpi id="kpi-throughput" name={`Throughput, filtered (${own.over})`} value={rate(own.perSecond)} />
      ) : (
        <Kpi id="kpi-throughput" name="Throughput" value={throughput === null ? '–' : `${count(Math.round(throughput))}/s`} detail={series?.volume != null ? `last s ${count(series.volume)}` : undefined} />
      )}
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
