'use client';
import { useState, type FormEvent } from 'react';
import { auditFiltersQuery, AuditSinces, isAuditFiltered, noAuditFilters, type AuditFilters, type AuditRange, type AuditSince } from '../../lib/audit-filters.ts';
import { auditActions, auditTargetKinds } from '../../lib/audit-text.ts';
import { localInput } from '../../lib/format.ts';

const sinceNames: Record<AuditSince, string> = { '1h': 'in the last hour', '24h': 'in the last 24 hours', '7d': 'in the last 7 days', '30d': 'in the last 30 days' };
type RangeMode = AuditSince | 'any' | 'between';

const rangeMode = (r: AuditRange): RangeMode => ('since' in r ? r.since : r.from || r.to ? 'between' : 'any');
const field = 'rounded border border-slate-400 bg-white px-1 py-0.5';

interface Props {
  filters: AuditFilters;
  onChange(f: AuditFilters): void;
}

/** The log's filters; applied on Apply (or Enter), all cleared with Clear filters. */
export function AuditFiltersForm(props: Props) {
  // `key` starts the fields afresh when the URL changes the filters (back button, a link).
  return <Fields key={auditFiltersQuery(props.filters)} {...props} />;
}

/** A select of known values that keeps an unknown one from the URL selectable, so it shows as the filter it is. */
function Choice({ label, name, value, options, any }: { label: string; name: string; value: string | null; options: Record<string, string>; any: string }) {
  return (
    <label className="flex flex-col">
      {label}
      <select name={name} defaultValue={value ?? ''} className={`${field} max-w-56`}>
        <option value="">{any}</option>
        {Object.entries(options).map(([v, text]) => (
          <option key={v} value={v}>{text}</option>
        ))}
        {value && !Object.hasOwn(options, value) && <option value={value}>{value}</option>}
      </select>
    </label>
  );
}

function Fields({ filters, onChange }: Props) {
  const [mode, setMode] = useState<RangeMode>(() => rangeMode(filters.range));
  const [error, setError] = useState<string | null>(null);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || null;
    let range: AuditRange = { from: null, to: null };
    if (mode === 'between') {
      const from = text('from') ? Date.parse(text('from')!) : null;
      const to = text('to') ? Date.parse(text('to')!) : null;
      if (from !== null && to !== null && !(from < to)) return setError('Pick a start before the end.');
      range = { from: from === null ? null : new Date(from).toISOString(), to: to === null ? null : new Date(to).toISOString() };
    } else if (mode !== 'any') range = { since: mode };
    setError(null);
    onChange({ action: text('action'), targetKind: text('targetKind'), targetId: text('targetId'), range });
  };
  const between = 'since' in filters.range ? { from: null, to: null } : filters.range;

  return (
    <form onSubmit={apply} aria-label="Filter the audit log" className="flex flex-wrap items-end gap-3 text-sm">
      <Choice label="Action" name="action" value={filters.action} options={auditActions} any="Any action" />
      <Choice label="Target kind" name="targetKind" value={filters.targetKind} options={auditTargetKinds} any="Any kind" />
      <label className="flex flex-col">
        Target id
        <input name="targetId" defaultValue={filters.targetId ?? ''} maxLength={128} placeholder="e.g. a stream id" className={field} />
      </label>
      <label className="flex flex-col">
        When
        <select value={mode} onChange={(e) => setMode(e.target.value as RangeMode)} className={field}>
          <option value="any">at any time</option>
          {(Object.keys(AuditSinces) as AuditSince[]).map((s) => (
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
      <button type="submit" className="rounded border border-slate-400 bg-white px-2 py-0.5 hover:bg-slate-100">Apply</button>
      {isAuditFiltered(filters) && (
        <button type="button" onClick={() => onChange(noAuditFilters)} className="rounded px-2 py-0.5 hover:bg-slate-100">
          Clear filters
        </button>
      )}
      {error && <span role="alert" className="text-[#D55E00]">{error}</span>}
    </form>
  );
}
