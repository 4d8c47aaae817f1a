'use client';
import { useEffect, useState } from 'react';
import { fetchAlert, type Alert, type DeliveryAttempt } from '../../lib/alerts-api.ts';
import { errorText } from '../../lib/api.ts';
import { alertSpread, alertValue, figuresText } from '../../lib/alert-text.ts';
import { clock, count, duration, percent, score, zScore } from '../../lib/format.ts';
import { LabelBadge } from '../LabelBadge.tsx';
import { DeliveryTable } from './DeliveryTable.tsx';

/** The watched value in its unit: a mean score, or messages per second. */
const value = (alert: Alert, v: number) => alertValue(alert.kind, v);

/**
 * What an alert is made of: its opening and peak numbers, the latest value against its baseline, the window it covers, the top
 * terms and the example messages (all in the list's copy), and its delivery attempts (fetched,
 * again whenever the alert changes).
 */
export function AlertDetails({ alert, id }: { alert: Alert; id: string }) {
  const [deliveries, setDeliveries] = useState<{ list: DeliveryAttempt[] | null; error: string | null }>({ list: null, error: null });
  useEffect(() => {
    const abort = new AbortController();
    fetchAlert(alert.id, abort.signal).then(
      (detail) => setDeliveries({ list: detail.deliveries, error: null }),
      (err: unknown) => abort.signal.aborted || setDeliveries({ list: null, error: errorText(err) }),
    );
    return () => abort.abort();
  }, [alert.id, alert.updatedAt]);

  const { baseline, window } = alert;
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  return (
    <div id={id} className="space-y-3 bg-slate-50 p-3 text-sm" data-testid="alert-details">
      <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
        {alert.peak && (
          <>
            <dt className="text-slate-600">Peak</dt>
            <dd className="tabular-nums font-medium" data-testid="alert-details-peak">{figuresText(alert.kind, alert.peak)}</dd>
          </>
        )}
        {alert.opening && (
          <>
            <dt className="text-slate-600">When it opened</dt>
            <dd className="tabular-nums">{figuresText(alert.kind, alert.opening)}</dd>
          </>
        )}
        {alert.drift ? (
          <DriftFigures drift={alert.drift} resolved={alert.status === 'resolved'} />
        ) : (
          <>
            <dt className="text-slate-600">{alert.status === 'resolved' ? 'Last vs baseline' : 'Current vs baseline'}</dt>
            <dd>
              <strong className="tabular-nums">{value(alert, alert.current)}</strong> against{' '}
              <span className="tabular-nums">{value(alert, baseline.center)}</span> ± <span className="tabular-nums">{alertSpread(alert.kind, baseline.spread)}</span>{' '}
              (the {count(baseline.minutes)} minutes before), z <span className="tabular-nums">{zScore(alert.z)}</span>
            </dd>
          </>
        )}
        <dt className="text-slate-600">Window</dt>
        <dd className="tabular-nums">
          {clock(from, true)} – {clock(to)} ({duration(to - from)}), {count(alert.volume)} messages
        </dd>
        <dt className="text-slate-600">{alert.drift ? 'Words it does not know' : 'Top terms'}</dt>
        <dd>
          {alert.topTerms.length ? (
            <ul className="flex flex-wrap gap-1" aria-label="Top terms">
              {alert.topTerms.map((t) => (
                <li key={t} className="rounded bg-white px-1.5 ring-1 ring-slate-300">{t}</li>
              ))}
            </ul>
          ) : (
            'none stood out'
          )}
        </dd>
        {alert.acknowledgedAt && (
          <>
            <dt className="text-slate-600">Acknowledged</dt>
            <dd className="tabular-nums">{clock(Date.parse(alert.acknowledgedAt), true)} by {alert.acknowledgedByName ?? 'someone'}</dd>
          </>
        )}
        {alert.resolvedAt && (
          <>
            <dt className="text-slate-600">Resolved</dt>
            <dd className="tabular-nums">
              {clock(Date.parse(alert.resolvedAt), true)} by {alert.resolvedBy === 'person' ? (alert.resolvedByName ?? 'someone') : 'the detector'}
            </dd>
          </>
        )}
        {alert.resolveNote && (
          <>
            <dt className="text-slate-600">Note</dt>
            <dd className="whitespace-pre-line [overflow-wrap:anywhere]" data-testid="alert-resolve-note">{alert.resolveNote}</dd>
          </>
        )}
      </dl>

      <section aria-label="Example messages">
        <h3 className="font-semibold">{alert.drift ? 'Messages it was least sure of' : 'Messages that drove it'}</h3>
        {alert.examples.length ? (
          <ol className="mt-1 space-y-1">
            {alert.examples.map((m) => (
              <li key={m.id} className="flex items-start gap-2 rounded bg-white p-1.5 ring-1 ring-slate-200">
                <LabelBadge label={m.label} />
                <span className="w-12 shrink-0 text-right tabular-nums text-slate-600">{score(m.score)}</span>
                <span className="min-w-0 whitespace-pre-line [overflow-wrap:anywhere]">{m.text}</span>
              </li>
            ))}
          </ol>
        ) : (
          <p className="text-slate-600">No example messages were kept.</p>
        )}
      </section>

      <section aria-label="Delivery attempts">
        <h3 className="font-semibold">Deliveries</h3>
        {deliveries.error ? (
          <p role="alert" className="text-[#D55E00]">The delivery attempts could not be loaded: {deliveries.error}</p>
        ) : deliveries.list === null ? (
          <p role="status" className="text-slate-600">Loading the delivery attempts…</p>
        ) : (
          <DeliveryTable attempts={deliveries.list} />
        )}
      </section>
    </div>
  );
}

/** A model_drift alert's numbers: each measure against the model's reference (lib/drift/). */
function DriftFigures({ drift, resolved }: { drift: NonNullable<Alert['drift']>; resolved: boolean }) {
  const over = (psi: number) => (psi > drift.threshold ? 'font-semibold text-[#D55E00]' : '');
  return (
    <>
      <dt className="text-slate-600">Model</dt>
      <dd className="[overflow-wrap:anywhere]">{drift.model}</dd>
      <dt className="text-slate-600">{resolved ? 'Last vs reference' : 'Now vs reference'}</dt>
      <dd className="tabular-nums" data-testid="alert-drift-figures">
        confidence PSI <span className={over(drift.psi.confidence)}>{drift.psi.confidence.toFixed(2)}</span>; unknown words{' '}
        {percent(drift.unknownRate.current, 1)} against {percent(drift.unknownRate.reference, 1)} (PSI <span className={over(drift.psi.unknownWords)}>{drift.psi.unknownWords.toFixed(2)}</span>); label mix PSI{' '}
        {drift.psi.labels.toFixed(2)} (shown, never decides); alert over {drift.threshold.toFixed(2)}
      </dd>
      <dt className="text-slate-600">Reference</dt>
      <dd className="tabular-nums">
        {count(drift.reference.messages)} messages this model scored, taken {clock(Date.parse(drift.reference.takenAt), true)}
      </dd>
    </>
  );
}
