import { DataTable, type Column } from '../DataTable.tsx';
import Link from 'next/link';
import { clock } from '../../lib/format.ts';
import type { PublicStream } from '../../lib/streams-api.ts';
import { BackfillProgress } from './BackfillProgress.tsx';
import { ExampleBadge } from './RemoveExamples.tsx';
import { StreamLinks } from './StreamLinks.tsx';

/** A channel as the list shows it: its kind, and where it goes (host only; the API keeps the rest). */
const channelText = (c: PublicStream['channels'][number]) => (c.target ? `${c.kind} → ${c.target}` : c.kind);

/** The table's columns, in the order each row renders its cells. */
const columns: Column[] = [
  { label: 'Name' },
  { label: 'Query' },
  { label: 'Sources' },
  { label: 'Sensitivity' },
  { label: 'Channels' },
  { label: 'Version', numeric: true },
  { label: 'Updated' },
  { label: 'Links', hidden: true },
];

/**
 * The saved streams, by name: what each matches, how it alerts, and links to edit it (to view
 * it, for whoever may not edit), its dashboard and its alerts.
 */
export function StreamList({ streams, canEdit }: { streams: readonly PublicStream[]; canEdit: boolean }) {
  return (
    <DataTable testId="streams" caption="Keyword streams" columns={columns}>
      {streams.map((s) => (
        <tr key={s.id} className="align-top" data-stream-id={s.id}>
          <th scope="row" className="py-2 pr-3 pl-3 font-medium">
            {s.name}
            {s.example && <ExampleBadge />}
            <code className="block text-xs font-normal text-slate-600">{s.id}</code>
          </th>
          <td className="max-w-md py-2 pr-3">
            <code className="break-words">{s.query}</code>
            <BackfillProgress streamId={s.id} backfill={s.backfill} />
          </td>
          <td className="py-2 pr-3">{s.sources.length ? s.sources.join(', ') : <span className="text-slate-600">all</span>}</td>
          <td className="py-2 pr-3">
            {s.rule.sensitivity ?? 'medium'}
            {Object.keys(s.rule).some((k) => k !== 'sensitivity') && <span className="text-slate-600"> + overrides</span>}
          </td>
          <td className="py-2 pr-3">
            <ul>
              {/* The dashboard always hears of alerts, stored or not. */}
              {!s.channels.some((c) => c.kind === 'dashboard') && <li>dashboard</li>}
              {s.channels.map((c) => (
                <li key={c.id}>{channelText(c)}</li>
              ))}
            </ul>
          </td>
          <td className="py-2 pr-3 text-right tabular-nums">{s.version}</td>
          <td className="py-2 pr-3 tabular-nums whitespace-nowrap"><time dateTime={s.updatedAt}>{clock(Date.parse(s.updatedAt), true)}</time></td>
          <td className="py-2 pr-3">
            <span className="flex flex-wrap gap-x-3">
              <Link href={`/streams?edit=${encodeURIComponent(s.id)}`} className="text-sm font-medium text-[#0072B2] underline hover:no-underline">
                {canEdit ? 'Edit' : 'View'}<span className="sr-only"> {s.name}</span>
              </Link>
              <StreamLinks stream={s} />
            </span>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
