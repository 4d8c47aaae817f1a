import type { LiveAlert } from '../../lib/contracts/live.ts';
import { figuresText, movement } from '../lib/alert-text.ts';
import { clock } from '../lib/format.ts';
import { streamTitle } from '../lib/live-alerts.ts';
import { StatusText } from './AlertBadges.tsx';

/** The alerts marked on the charts' time axis, as text (newest first), each with where it stands now. */
export function AlertList({ alerts, names }: { alerts: readonly LiveAlert[]; names: ReadonlyMap<string, string> }) {
  if (!alerts.length) return null;
  return (
    <section aria-labelledby="alerts-title" className="rounded-lg border border-[#CC79A7] bg-white p-3">
      <h2 id="alerts-title" className="font-semibold">⚠ Alerts ({alerts.length})</h2>
      <ul className="mt-1 space-y-1 text-sm">
        {[...alerts].reverse().map((a) => (
          <li key={a.id}>
            <time dateTime={a.at} className="tabular-nums">{clock(Date.parse(a.at))}</time>{' '}
            <strong>{a.severity}</strong> · {streamTitle(a.stream, names)}: {movement(a)}: {a.reason}
            {a.peak && <> · peak {figuresText(a.kind, a.peak)}</>} · <StatusText status={a.status} />
          </li>
        ))}
      </ul>
    </section>
  );
}
