'use client';
import { useState, type FormEvent } from 'react';
import { Labels, type Label } from '../../lib/contracts/messages.ts';
import { useLabelling } from '../hooks/useLabelling.ts';
import { useMessages } from '../hooks/useMessages.ts';
import { useSession } from '../hooks/useSession.ts';
import { download, maxExportRows, selectionCsv } from '../lib/export.ts';
import { clock, count } from '../lib/format.ts';
import { labelStyles } from '../lib/palette.ts';
import { messagesQuery, type DrillFilters, type Selection } from '../lib/selection.ts';
import type { View } from '../lib/view.ts';
import { HumanLabel } from './HumanLabel.tsx';
import { LabelBadge } from './LabelBadge.tsx';
import { LabelButtons } from './LabelButtons.tsx';
import { Notice } from './Notice.tsx';

const fileTime = (ms: number) => new Date(ms).toISOString().replaceAll(':', '').replace(/\.\d+Z$/, 'Z');

/**
 * The messages behind a clicked slice or point (from `/api/messages`), narrowed by label,
 * source and text, page by page; the selection exports as CSV. Each row shows people's label
 * beside the model's; an editor marks a row's sentiment, or ticks rows and labels them at once.
 */
export function DrillDown({ view, selection, onClose }: { view: View; selection: Selection; onClose(): void }) {
  const [filters, setFilters] = useState<DrillFilters>({ label: selection.label, source: view.source, q: selection.q ?? null });
  const query = messagesQuery(view, selection, filters);
  const list = useMessages(query);
  const [exporting, setExporting] = useState<string | null>(null);
  const editor = useSession().can('edit');
  const labelling = useLabelling();
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set());
  const shownIds = list.messages.map((m) => m.id);
  // Ticks of rows a changed filter no longer shows are not acted on.
  const tickedShown = shownIds.filter((id) => ticked.has(id));
  const allTicked = shownIds.length > 0 && tickedShown.length === shownIds.length;
  const tick = (id: string, on: boolean) =>
    setTicked((t) => {
      const next = new Set(t);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const labelTicked = async (label: Label) => {
    // A failed label keeps the selection, to try again.
    if (await labelling.label(tickedShown, label)) setTicked(new Set());
  };

  const applyText = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || null;
    setFilters((f) => ({ ...f, source: text('source'), q: text('q') }));
  };

  const exportCsv = async () => {
    setExporting('Exporting…');
    try {
      const { csv, rows, capped } = await selectionCsv(query);
      download(`pulse-messages-${fileTime(selection.from)}-${fileTime(selection.to)}.csv`, csv);
      setExporting(`Exported ${count(rows)} messages${capped ? ` (the first ${count(maxExportRows)}; narrow the selection for the rest)` : ''}.`);
    } catch (err) {
      setExporting(`The export failed: ${(err as Error).message}`);
    }
  };

  return (
    <section aria-labelledby="drill-title" className="rounded-lg border border-slate-300 bg-white p-3" data-testid="drilldown">
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="drill-title" className="flex-1 font-semibold">
          Messages: {selection.title}
          <span className="ml-2 text-sm font-normal text-slate-600">
            {clock(selection.from, true)} – {clock(selection.to, true)}
          </span>
        </h2>
        <button type="button" onClick={exportCsv} className="rounded border border-slate-400 px-2 py-0.5 text-sm hover:bg-slate-100">
          ⤓ Export CSV
        </button>
        <button type="button" onClick={onClose} className="rounded px-2 py-0.5 text-sm hover:bg-slate-100">
          ✕ Close
        </button>
      </div>
      {exporting && <p role="status" className="mt-1 text-sm text-slate-700">{exporting}</p>}
      {editor && list.messages.length > 0 && (
        <div className="mt-2 flex flex-wrap items-center gap-2 text-sm" data-testid="bulk-label">
          <span>{tickedShown.length ? `${count(tickedShown.length)} selected:` : 'Tick messages to label several at once.'}</span>
          {tickedShown.length > 0 && (
            <LabelButtons title="Label selected as" busy={labelling.busy} onLabel={(l) => void labelTicked(l)} />
          )}
        </div>
      )}
      {labelling.status && <p role="status" className="mt-1 text-sm text-slate-700">{labelling.status}</p>}

      <form onSubmit={applyText} className="mt-2 flex flex-wrap items-end gap-2 text-sm" aria-label="Filter the messages">
        <label className="flex flex-col">
          Label
          <select
            value={filters.label ?? ''}
            onChange={(e) => setFilters((f) => ({ ...f, label: (e.target.value || null) as Label | null }))}
            className="rounded border border-slate-400 px-1 py-0.5"
          >
            <option value="">any</option>
            {Labels.map((l) => (
              <option key={l} value={l}>{labelStyles[l].name}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col">
          Source
          <input name="source" maxLength={64} defaultValue={filters.source ?? ''} placeholder="any" className="w-32 rounded border border-slate-400 px-1 py-0.5" />
        </label>
        <label className="flex flex-col">
          Text contains
          <input name="q" type="search" maxLength={200} defaultValue={filters.q ?? ''} className="w-48 rounded border border-slate-400 px-1 py-0.5" />
        </label>
        <button type="submit" className="rounded border border-slate-400 px-2 py-0.5 hover:bg-slate-100">Apply</button>
      </form>

      {list.error ? (
        <div className="mt-2">
          <Notice kind="error" title="The messages could not be loaded">
            {list.error}. Check that the server runs (/api/health), then close and reopen this list.
          </Notice>
        </div>
      ) : !list.loading && list.messages.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No messages match. Widen the selection: clear the label, source or text filter.</p>
      ) : (
        <table className="mt-2 w-full table-fixed text-sm">
          <caption className="sr-only">Messages of the selection, newest first</caption>
          <thead className="text-left text-xs text-slate-600">
            <tr>
              {editor && (
                <th className="w-8 font-normal">
                  <input
                    type="checkbox"
                    aria-label="Select every message shown"
                    checked={allTicked}
                    onChange={(e) => setTicked(new Set(e.target.checked ? shownIds : []))}
                  />
                </th>
              )}
              <th className="w-20 font-normal">time</th>
              <th className="w-36 font-normal">label</th>
              <th className="w-14 font-normal">conf.</th>
              <th className="w-24 font-normal">source</th>
              <th className="font-normal">text</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.messages.map((m) => (
              <tr key={m.id} data-id={m.id}>
                {editor && (
                  <td>
                    <input type="checkbox" aria-label={`Select message ${m.id}`} checked={ticked.has(m.id)} onChange={(e) => tick(m.id, e.target.checked)} />
                  </td>
                )}
                <td className="tabular-nums"><time dateTime={m.ts}>{clock(Date.parse(m.ts))}</time></td>
                <td className="space-y-0.5 py-1">
                  <LabelBadge label={m.label} />
                  {editor && (
                    <div>
                      <LabelButtons compact current={labelling.humanLabelOf(m)} busy={labelling.busy} onLabel={(l) => void labelling.label([m.id], l)} />
                    </div>
                  )}
                  <div><HumanLabel human={labelling.humanLabelOf(m)} model={m.label} /></div>
                </td>
                <td className="tabular-nums">{Math.round(m.confidence * 100)} %</td>
                <td className="truncate">{m.source}</td>
                <td className="py-1">{m.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="mt-2 text-sm">
        {list.loading ? (
          <p role="status">Loading…</p>
        ) : list.more ? (
          <button type="button" onClick={list.loadMore} className="rounded border border-slate-400 px-2 py-0.5 hover:bg-slate-100">
            Load more
          </button>
        ) : list.messages.length > 0 ? (
          <p className="text-slate-600" data-testid="drilldown-count">{count(list.messages.length)} messages, all shown</p>
        ) : null}
      </div>
    </section>
  );
}
