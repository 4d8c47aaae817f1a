'use client';
import { useState } from 'react';
import { localInput } from '../lib/format.ts';
import type { Sliding, TimeRange } from '../lib/time-range.ts';

const sinceNames: Record<Sliding, string> = { '1h': 'in the last hour', '24h': 'in the last 24 hours', '7d': 'in the last 7 days', '30d': 'in the last 30 days' };
type RangeMode<S extends Sliding> = S | 'any' | 'between';

const rangeMode = <S extends Sliding>(r: TimeRange<S>): RangeMode<S> => ('since' in r ? r.since : r.from || r.to ? 'between' : 'any');
const field = 'rounded border border-slate-400 bg-white px-1 py-0.5';

interface Props<S extends Sliding> {
  /** The select's label: what the time is of ("Opened", "When"). */
  label: string;
  sinces: readonly S[];
  /** The range the fields start from; a new one needs a new `key`, as in the filter forms. */
  value: TimeRange<S>;
}

/**
 * A filter form's time range: any time, a sliding range, or "between…" with From and To. The form
 * reads what was picked with `readTimeRange` on submit, so the range applies with the other filters.
 */
export function TimeRangeFields<S extends Sliding>({ label, sinces, value }: Props<S>) {
  const [mode, setMode] = useState<RangeMode<S>>(() => rangeMode(value));
  const between = 'since' in value ? { from: null, to: null } : value;

  return (
    <>
      <label className="flex flex-col">
        {label}
        <select name="range" value={mode} onChange={(e) => setMode(e.target.value as RangeMode<S>)} className={field}>
          <option value="any">at any time</option>
          {sinces.map((s) => (
            <option key={s} value={s}>{sinceNames[s]}</option>
          ))}
          <option value="between">between…</option>
        </select>
      </label>
      {mode === 'between' && (
        <>
          <label className="flex flex-col">
            From
            <input name="from" type="datetime-local" defaultValue={between.from ? localInput(between.from) : ''} className={field} />
          </label>
          <label className="flex flex-col">
            To
            <input name="to" type="datetime-local" defaultValue={between.to ? localInput(between.to) : ''} className={field} />
          </label>
        </>
      )}
    </>
  );
}

/** The range picked in `TimeRangeFields`, or why it cannot apply. */
export function readTimeRange<S extends Sliding>(form: FormData, sinces: readonly S[]): { range: TimeRange<S> } | { error: string } {
  const text = (name: string) => String(form.get(name) ?? '').trim() || null;
  const mode = form.get('range');
  if (mode === 'between') {
    const from = text('from') ? Date.parse(text('from')!) : null;
    const to = text('to') ? Date.parse(text('to')!) : null;
    if (from !== null && to !== null && !(from < to)) return { error: 'Pick a start before the end.' };
    return { range: { from: from === null ? null : new Date(from).toISOString(), to: to === null ? null : new Date(to).toISOString() } };
  }
  return { range: sinces.includes(mode as S) ? { since: mode as S } : { from: null, to: null } };
}
