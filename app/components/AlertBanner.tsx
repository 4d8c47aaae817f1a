'use client';
import Link from 'next/link';
import { useState } from 'react';
import type { Alert } from '../../lib/contracts/alerts.ts';
import type { LiveAlert } from '../../lib/contracts/live.ts';
import { actOnAlert, fetchAlert } from '../lib/alerts-api.ts';
import { figuresText, movement } from '../lib/alert-text.ts';
import { ApiError, errorText } from '../lib/api.ts';
import { moment } from '../lib/format.ts';
import { streamTitle } from '../lib/live-alerts.ts';
import { severityStyles } from '../lib/palette.ts';
import { SeverityBadge } from './AlertBadges.tsx';

/** More than this many open alerts is a list to work through on the Alerts page. */
const shown = 5;
const severityRank = { info: 0, warning: 1, critical: 2 } as const;

/**
 * The unresolved alerts of the viewed stream(s), newest first, each with what moved, its reason,
 * its peak and an Acknowledge button (for editors and admins: `canAct`). An acknowledged alert
 * stays, marked with who is on it, until it is resolved (here, on another dashboard, or by the
 * detector): the incident is not over because someone looked. A live region that is always in
 * the page (and takes no room) tells screen readers when the newest open alert changes.
 */
export function AlertBanner({ alerts, names, canAct, onChange }: { alerts: readonly LiveAlert[]; names: ReadonlyMap<string, string>; canAct: boolean; onChange(alert: Alert): void }) {
  const open = alerts.filter((a) => a.status !== 'resolved').reverse();
  const unacknowledged = open.filter((a) => a.status === 'open').length;
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<{ id: string; text: string } | null>(null);

  const acknowledge = async (id: string) => {
    setBusy(id);
    setFailure(null);
    try {
      onChange(await actOnAlert(id, 'acknowledge'));
    } catch (err) {
      // 409: it was resolved meanwhile; its resolved version clears the banner just the same.
      const now = err instanceof ApiError && err.code === 'CONFLICT' ? await fetchAlert(id).catch(() => null) : null;
      if (now) onChange(now.alert);
      else setFailure({ id, text: errorText(err) });
    } finally {
      setBusy(null);
    }
  };

  const worst = open.reduce<LiveAlert['severity']>((w, a) => (severityRank[a.severity] > severityRank[w] ? a.severity : w), 'info');
  const newest = open[0];
  return (
    <>
      <p aria-live="polite" className="sr-only">
        {newest ? `${open.length} open alerts; the newest, on ${streamTitle(newest.stream, names)}: ${newest.reason}` : ''}
      </p>
      {open.length > 0 && (
        <section
          aria-labelledby="banner-title"
          className="rounded-lg border-2 bg-white p-3 xl:col-span-2"
          style={{ borderColor: severityStyles[worst].colour }}
          data-testid="alert-banner"
        >
          <h2 id="banner-title" className="flex flex-wrap items-baseline gap-x-3 font-semibold">
            <span>
              ⚠ {open.length === 1 ? '1 unresolved alert' : `${open.length} unresolved alerts`}
              {unacknowledged < open.length && <span className="font-normal text-slate-700"> ({open.length - unacknowledged} acknowledged)</span>}
            </span>
            <Link href="/alerts?status=open" className="text-sm font-normal text-[#0072B2] underline">
              All open alerts
            </Link>
          </h2>
          <ul className="mt-2 space-y-2 text-sm">
            {open.slice(0, shown).map((a) => (
              <li key={a.id} className="flex flex-wrap items-center gap-x-2 gap-y-1" data-alert-id={a.id} data-status={a.status}>
                <SeverityBadge severity={a.severity} />
                <span className="font-medium">{streamTitle(a.stream, names)}</span>
                <span className="font-medium">{movement(a)}</span>
                <time dateTime={a.at} className="tabular-nums text-slate-600">since {moment(Date.parse(a.at))}</time>
                <span className="min-w-0 flex-[1_1_20rem]">{a.reason}</span>
                {a.peak && <span className="w-full text-slate-700 tabular-nums" data-testid="alert-peak">Peak: {figuresText(a.kind, a.peak)}</span>}
                {a.status === 'acknowledged' && (
                  <span className="rounded bg-slate-100 px-1.5 text-slate-800" data-testid="alert-acknowledged">
                    ✓ acknowledged by {a.acknowledgedByName ?? 'someone'}
                  </span>
                )}
                {canAct && a.status === 'open' && (
                  <button
                    type="button"
                    onClick={() => void acknowledge(a.id)}
                    disabled={busy === a.id}
                    className="rounded border border-slate-500 px-2 py-0.5 hover:bg-slate-100 disabled:opacity-60"
                  >
                    {busy === a.id ? 'Acknowledging…' : 'Acknowledge'}
                    <span className="sr-only"> the alert on {streamTitle(a.stream, names)}</span>
                  </button>
                )}
                {failure?.id === a.id && <span role="alert" className="w-full text-[#D55E00]">Not acknowledged: {failure.text}</span>}
              </li>
            ))}
          </ul>
          {open.length > shown && (
            <p className="mt-1 text-sm text-slate-600">
              and {open.length - shown} more on the <Link href="/alerts?status=open" className="underline">Alerts page</Link>.
            </p>
          )}
        </section>
      )}
    </>
  );
}
