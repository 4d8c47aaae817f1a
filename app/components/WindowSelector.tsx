'use client';
import { useState, type FormEvent } from 'react';
import { NamedWindows, type LiveWindow, type NamedWindow } from '../../lib/contracts/live.ts';
import { readMoment } from '../lib/local-moment.ts';
import { MomentFields } from './MomentFields.tsx';

const names: Record<NamedWindow, string> = { '5m': '5 min', '1h': '1 h', '24h': '24 h' };

/** Live windows (sliding) or a fixed custom range. */
export function WindowSelector({ value, onChange }: { value: LiveWindow; onChange(window: LiveWindow): void }) {
  const custom = typeof value !== 'string';
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '');
    const from = readMoment('From', text('from-date'), text('from-time'), 'start');
    const to = readMoment('To', text('to-date'), text('to-time'), 'end');
    if ('error' in from) return setError(from.error);
    if ('error' in to) return setError(to.error);
    if (from.ms === null || to.ms === null || !(from.ms < to.ms)) return setError('Pick a start before the end.');
    setError(null);
    setEditing(false);
    onChange({ from: new Date(from.ms).toISOString(), to: new Date(to.ms).toISOString() });
  };
  const now = new Date().toISOString();
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();

  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <div role="group" aria-label="Time window" className="inline-flex overflow-hidden rounded border border-slate-400">
        {(Object.keys(NamedWindows) as NamedWindow[]).map((w) => (
          <button
            key={w}
            type="button"
            aria-pressed={value === w}
            onClick={() => onChange(w)}
            className={`px-2 py-1 ${value === w ? 'bg-slate-800 text-white' : 'bg-white hover:bg-slate-100'}`}
          >
            {value === w && <span aria-hidden="true">● </span>}Live {names[w]}
          </button>
        ))}
        <button
          type="button"
          aria-pressed={custom}
          aria-expanded={editing}
          onClick={() => setEditing((e) => !e)}
          className={`px-2 py-1 ${custom ? 'bg-slate-800 text-white' : 'bg-white hover:bg-slate-100'}`}
        >
          Custom…
        </button>
      </div>
      {editing && (
        <form onSubmit={apply} className="flex flex-wrap items-end gap-2" aria-label="Custom range">
          <MomentFields legend="From" name="from" required defaultValue={custom ? value.from : hourAgo} />
          <MomentFields legend="To" name="to" required defaultValue={custom ? value.to : now} />
          <button type="submit" className="rounded border border-slate-400 px-2 py-0.5 hover:bg-slate-100">Apply</button>
          {error && <span role="alert" className="text-[#D55E00]">{error}</span>}
        </form>
      )}
    </div>
  );
}
