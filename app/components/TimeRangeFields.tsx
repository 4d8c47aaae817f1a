'use client';
import { useState } from 'react';
import { readMoment } from '../lib/local-moment.ts';
import type { Sliding, TimeRange } from '../lib/time-range.ts';
import { MomentFields } from './MomentFields.tsx';

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
 * From and To are a date and a 24-hour time each (MomentFields); a date alone is a whole day.
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
          <MomentFields legend="From" name="from" defaultValue={between.from} />
          <MomentFields legend="To" name="to" defaultValue={between.to} />
        </>
      )}
    </>
  );
}

/** The range picked in `TimeRangeFields`, or why it cannot apply. */
export function readTimeRange<S extends Sliding>(form: FormData, sinces: readonly S[]): { range: TimeRange<S> } | { error: string } {
  const text = (name: string) => String(form.get(name) ?? '');
  const mode = form.get('range');
  if (mode === 'between') {
    const from = readMoment('From', text('from-date'), text('from-time'), 'start');
    if ('error' in from) return from;
    const to = readMoment('To', text('to-date'), text('to-time'), 'end');
    if ('error' in to) return to;
    if (from.ms !== null && to.ms !== null && !(from.ms < to.ms)) return { error: 'Pick a start before the end.' };
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return { range: { from: iso(from.ms), to: iso(to.ms) } };
  }
  return { range: sinces.includes(mode as S) ? { since: mode as S } : { from: null, to: null } };
}
