'use client';
import { useState, type FormEvent } from 'react';
import { NamedWindows, type LiveWindow, type NamedWindow } from '../../lib/contracts/live.ts';
import { localInput } from '../lib/format.ts';

const names: Record<NamedWindow, string> = { '5m': '5 min', '1h': '1 h', '24h': '24 h' };

/** Live windows (sliding) or a fixed custom range. */
export function WindowSelector({ value, onChange }: { value: LiveWindow; onChange(window: LiveWindow): void }) {
  const custom = typeof value !== 'string';
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const from = Date.parse(String(form.get('from')));
    const to = Date.parse(String(form.get('to')));
    if (!(from < to)) return setError('Pick a start before the end.');
    setError(null);
    setEditing(false);
    onChange({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
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
          <label className="flex flex-col">
            From
            <input name="from" type="datetime-local" required defaultValue={localInput(custom ? value.from : hourAgo)} className="rounded border border-slate-400 px-1" />
          </label>
          <label className="flex flex-col">
            To
            <input name="to" type="datetime-local" required defaultValue={localInput(custom ? value.to : now)} className="rounded border border-slate-400 px-1" />
          </label>
          <button type="submit" className="rounded border border-slate-400 px-2 py-0.5 hover:bg-slate-100">Apply</button>
          {error && <span role="alert" className="text-[#D55E00]">{error}</span>}
        </form>
      )}
    </div>
  );
}
