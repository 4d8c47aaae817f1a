'use client';
import type { FormEvent } from 'react';
import type { PublicStream } from '../lib/streams-api.ts';
import type { View } from '../lib/view.ts';

/**
 * The view's stream and source filters; applied on Enter or Apply, cleared with Clear. Streams
 * are picked by name from `/api/streams`; until that answers (or if it cannot), the id is typed.
 */
export function FilterForm({ view, streams, onChange }: { view: View; streams: readonly PublicStream[] | null; onChange(view: View): void }) {
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || null;
    onChange({ ...view, stream: text('stream'), source: text('source') });
  };
  const known = !view.stream || streams?.some((s) => s.id === view.stream);
  return (
    // `key` re-creates the inputs when the URL changes the filters (back button, shared link) or the streams arrive.
    <form key={`${view.stream}|${view.source}|${streams ? 'list' : 'text'}`} onSubmit={apply} className="flex flex-wrap items-end gap-2 text-sm" aria-label="Filters">
      <label className="flex items-center gap-1">
        Stream
        {streams ? (
          <select name="stream" defaultValue={view.stream ?? ''} className="max-w-48 rounded border border-slate-400 bg-white px-1 py-0.5">
            <option value="">All messages</option>
            {streams.map((s) => (
              <option key={s.id} value={s.id}>{s.name}</option>
            ))}
            {!known && <option value={view.stream!}>{view.stream} (no such stream)</option>}
          </select>
        ) : (
          <input name="stream" maxLength={128} defaultValue={view.stream ?? ''} placeholder="all messages" className="w-32 rounded border border-slate-400 px-1 py-0.5" />
        )}
      </label>
      <label className="flex items-center gap-1">
        Source
        <input name="source" maxLength={64} defaultValue={view.source ?? ''} placeholder="all sources" className="w-32 rounded border border-slate-400 px-1 py-0.5" />
      </label>
      <button type="submit" className="rounded border border-slate-400 px-2 py-0.5 hover:bg-slate-100">Apply</button>
      {(view.stream || view.source) && (
        <button type="button" onClick={() => onChange({ ...view, stream: null, source: null })} className="rounded px-2 py-0.5 hover:bg-slate-100">
          Clear
        </button>
      )}
    </form>
  );
}
