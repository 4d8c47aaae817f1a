'use client';
import { useState, type FormEvent } from 'react';
import { AlertKinds, AlertStatuses, Severities } from '../../../lib/contracts/alerts.ts';
import { AllStreamsId } from '../../../lib/contracts/api.ts';
import { kindNames } from '../../lib/alert-text.ts';
import { alertFiltersQuery, AlertSinces, isFiltered, noFilters, type AlertFilters } from '../../lib/alert-filters.ts';
import { severityStyles, statusStyles } from '../../lib/palette.ts';
import type { PublicStream } from '../../lib/streams-api.ts';
import { readTimeRange, TimeRangeFields } from '../TimeRangeFields.tsx';

const field = 'rounded border border-slate-400 bg-white px-1 py-0.5';

interface Props {
  filters: AlertFilters;
  streams: readonly PublicStream[] | null;
  onChange(f: AlertFilters): void;
}

/** The history's filters; applied on Apply (or Enter), all cleared with Clear filters. */
export function AlertFiltersForm(props: Props) {
  // `key` starts the fields afresh when the URL changes the filters (back button, a link). Not when
  // the streams arrive: that would throw away what a person began to choose (a range half typed).
  return <Fields key={alertFiltersQuery(props.filters)} {...props} />;
}

function Fields({ filters, streams, onChange }: Props) {
  const [error, setError] = useState<string | null>(null);
  // Controlled: the filtered stream stays chosen when the list of streams arrives after the form.
  const [stream, setStream] = useState(filters.stream ?? '');

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || null;
    const picked = readTimeRange(form, AlertSinces);
    if ('error' in picked) return setError(picked.error);
    setError(null);
    onChange({
      stream: text('stream'),
      status: text('status') as AlertFilters['status'],
      severity: text('severity') as AlertFilters['severity'],
      kind: text('kind') as AlertFilters['kind'],
      range: picked.range,
    });
  };
  const known = !filters.stream || filters.stream === AllStreamsId || streams?.some((s) => s.id === filters.stream);

  return (
    <form onSubmit={apply} aria-label="Filter the alerts" className="flex flex-wrap items-end gap-3 text-sm">
      <label className="flex flex-col">
        Stream
        <select name="stream" value={stream} onChange={(e) => setStream(e.target.value)} className={`${field} max-w-56`}>
          <option value="">Any stream</option>
          <option value={AllStreamsId}>All messages</option>
          {streams?.map((s) => (
            <option key={s.id} value={s.id}>{s.name}</option>
          ))}
          {!known && <option value={filters.stream!}>{filters.stream}</option>}
        </select>
      </label>
      <label className="flex flex-col">
        Status
        <select name="status" defaultValue={filters.status ?? ''} className={field}>
          <option value="">Any status</option>
          {AlertStatuses.map((s) => (
            <option key={s} value={s}>{statusStyles[s].glyph} {statusStyles[s].name}</option>
          ))}
        </select>
      </label>
      <label className="flex flex-col">
        Severity
        <select name="severity" defaultValue={filters.severity ?? ''} className={field}>
          <option value="">Any severity</option>
          {Severities.map((s) => (
            <option key={s} value={s}>{severityStyles[s].glyph} {severityStyles[s].name}</option>
          ))}
        </select>
      </label>
      <label className="flex flex-col">
        Kind
        <select name="kind" defaultValue={filters.kind ?? ''} className={field}>
          <option value="">All kinds</option>
          {AlertKinds.map((k) => (
            <option key={k} value={k}>{kindNames[k]}</option>
          ))}
        </select>
      </label>
      <TimeRangeFields label="Opened" sinces={AlertSinces} value={filters.range} />
      <button type="submit" className="rounded border border-slate-400 bg-white px-2 py-0.5 hover:bg-slate-100">Apply</button>
      {isFiltered(filters) && (
        <button type="button" onClick={() => onChange(noFilters)} className="rounded px-2 py-0.5 hover:bg-slate-100">
          Clear filters
        </button>
      )}
      {error && <span role="alert" className="text-[#D55E00]">{error}</span>}
    </form>
  );
}
