'use client';
import { useState, type FormEvent } from 'react';
import { AuditActions, AuditTargetKinds } from '../../../lib/contracts/audit.ts';
import { auditFiltersQuery, AuditSinces, isAuditFiltered, noAuditFilters, type AuditFilters } from '../../lib/audit-filters.ts';
import { auditActionWords, auditTargetKindWords } from '../../lib/audit-text.ts';
import { readTimeRange, TimeRangeFields } from '../TimeRangeFields.tsx';

const field = 'rounded border border-slate-400 bg-white px-1 py-0.5';

/** Exactly what the server records, in the list's order. */
const actionOptions = Object.fromEntries(AuditActions.map((a) => [a, auditActionWords[a]]));
const targetKindOptions = Object.fromEntries(AuditTargetKinds.map((k) => [k, auditTargetKindWords[k]]));

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
  const [error, setError] = useState<string | null>(null);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || null;
    const picked = readTimeRange(form, AuditSinces);
    if ('error' in picked) return setError(picked.error);
    setError(null);
    onChange({ action: text('action'), targetKind: text('targetKind'), targetId: text('targetId'), range: picked.range });
  };

  return (
    <form onSubmit={apply} aria-label="Filter the audit log" className="flex flex-wrap items-end gap-3 text-sm">
      <Choice label="Action" name="action" value={filters.action} options={actionOptions} any="Any action" />
      <Choice label="Target kind" name="targetKind" value={filters.targetKind} options={targetKindOptions} any="Any kind" />
      <label className="flex flex-col">
        Target id
        <input name="targetId" defaultValue={filters.targetId ?? ''} maxLength={128} placeholder="e.g. a stream id" className={field} />
      </label>
      <TimeRangeFields label="When" sinces={AuditSinces} value={filters.range} />
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
