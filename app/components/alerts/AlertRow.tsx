'use client';
import { useRef, useState } from 'react';
import { actOnAlert, fetchAlert, type Alert, type AlertAction } from '../../lib/alerts-api.ts';
import { ApiError, errorText } from '../../lib/api.ts';
import { alertValue, figuresText, movement } from '../../lib/alert-text.ts';
import { clock, zScore } from '../../lib/format.ts';
import { streamTitle } from '../../lib/live-alerts.ts';
import { SeverityBadge, StatusText } from '../AlertBadges.tsx';
import { AlertDetails } from './AlertDetails.tsx';

const columns = 8;

interface Props {
  alert: Alert;
  names: ReadonlyMap<string, string>;
  expanded: boolean;
  /** Whether the signed-in role may acknowledge and resolve (editor, admin); without it only Details is offered. */
  canAct: boolean;
  onToggle(): void;
  /** A new version of this alert: the optimistic guess of an action, then the server's answer. */
  onChange(alert: Alert): void;
}

/**
 * One alert of the history as a row group: the summary row with its actions, and its details
 * below when expanded. Acknowledge and Resolve show their effect at once and then take the
 * server's answer; a refusal puts the alert back as it was and says why.
 */
export function AlertRow({ alert, names, expanded, canAct, onToggle, onChange }: Props) {
  const [busy, setBusy] = useState<AlertAction | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const details = useRef<HTMLButtonElement>(null);
  const detailsId = `alert-details-${alert.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const stream = streamTitle(alert.stream, names);

  const act = async (action: AlertAction) => {
    // A note for whoever reads the alert later (and the channels' resolved message); Cancel keeps it open.
    const note = action === 'resolve' ? window.prompt(`Resolve the alert on ${stream}. A note for the record (optional):`, '') : '';
    if (note === null) return;
    const before = alert;
    const at = new Date().toISOString();
    setBusy(action);
    setProblem(null);
    onChange(action === 'acknowledge' ? { ...alert, status: 'acknowledged', acknowledgedAt: at } : { ...alert, status: 'resolved', resolvedAt: at, resolvedBy: 'person' });
    // The clicked button goes with the old status; keep the keyboard in this row.
    details.current?.focus();
    try {
      onChange(await actOnAlert(alert.id, action, note.trim() || undefined));
    } catch (err) {
      // 409: resolved meanwhile (by the detector or someone else); show what it is now.
      const now = err instanceof ApiError && err.code === 'CONFLICT' ? await fetchAlert(alert.id).catch(() => null) : null;
      onChange(now?.alert ?? before);
      setProblem(now ? `It was resolved meanwhile; there is nothing to acknowledge.` : `Not done: ${errorText(err)}`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <tbody className="border-t border-slate-200 align-top" data-alert-id={alert.id}>
      <tr>
        <td className="py-2 pr-2 pl-3"><SeverityBadge severity={alert.severity} /></td>
        <td className="py-2 pr-2"><StatusText status={alert.status} /></td>
        <td className="py-2 pr-2 font-medium">{stream}</td>
        <td className="py-2 pr-2">
          <span className="font-medium">{movement(alert)}</span>
          <p className="text-slate-700 [overflow-wrap:anywhere]" data-testid="alert-reason">{alert.reason}</p>
          {alert.peak && <p className="text-slate-700 tabular-nums" data-testid="alert-peak">Peak: {figuresText(alert.kind, alert.peak)}</p>}
          {alert.status === 'acknowledged' && <p className="text-slate-700">Acknowledged by {alert.acknowledgedByName ?? 'someone'}</p>}
          {problem && <p role="alert" className="text-[#D55E00]">{problem}</p>}
        </td>
        <td className="py-2 pr-2 tabular-nums whitespace-nowrap"><time dateTime={alert.openedAt}>{clock(Date.parse(alert.openedAt), true)}</time></td>
        <td className="py-2 pr-2 tabular-nums whitespace-nowrap">
          {alert.resolvedAt ? <time dateTime={alert.resolvedAt}>{clock(Date.parse(alert.resolvedAt), true)}</time> : <span className="text-slate-500">–</span>}
        </td>
        <td className="py-2 pr-2 text-right tabular-nums">
          {/* The peak's z (a drift's PSI): a resolved alert's latest numbers are the calm it ended in. */}
          {alert.kind === 'model_drift' ? alertValue(alert.kind, alert.peak?.z ?? alert.z) : zScore(alert.peak?.z ?? alert.z)}
        </td>
        <td className="py-2 pr-3">
          <div className="flex flex-wrap justify-end gap-1">
            {canAct && alert.status === 'open' && (
              <button type="button" disabled={busy !== null} onClick={() => void act('acknowledge')} className="rounded border border-slate-500 px-2 py-0.5 hover:bg-slate-100 disabled:opacity-60">
                Acknowledge<span className="sr-only"> the alert on {stream}</span>
              </button>
            )}
            {canAct && alert.status !== 'resolved' && (
              <button type="button" disabled={busy !== null} onClick={() => void act('resolve')} className="rounded border border-slate-500 px-2 py-0.5 hover:bg-slate-100 disabled:opacity-60">
                Resolve<span className="sr-only"> the alert on {stream}</span>
              </button>
            )}
            <button ref={details} type="button" aria-expanded={expanded} aria-controls={detailsId} onClick={onToggle} className="rounded px-2 py-0.5 hover:bg-slate-100">
              <span aria-hidden="true">{expanded ? '▾' : '▸'} </span>Details<span className="sr-only"> of the alert on {stream}</span>
            </button>
          </div>
        </td>
      </tr>
      {expanded && (
        <tr>
          <td colSpan={columns} className="px-3 pb-3">
            <AlertDetails alert={alert} id={detailsId} />
          </td>
        </tr>
      )}
    </tbody>
  );
}
