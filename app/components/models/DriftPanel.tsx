'use client';
import { useRefreshed } from '../../hooks/useRefreshed.ts';
import { fetchDrift, type ModelDriftStatus, type StreamDrift } from '../../lib/drift-api.ts';
import { clock, count, duration } from '../../lib/format.ts';
import { Notice } from '../Notice.tsx';

/** The watch reads every few minutes; the page follows it at this pace. */
const refreshMs = 30_000;

const stateText: Record<StreamDrift['state'], string> = {
  reference: 'taking its reference',
  few: 'too few messages to judge',
  steady: 'steady',
  drifting: 'drifting',
};

const rate = (x: number) => `${(100 * x).toFixed(1)} %`;

/**
 * Drift watch: per stream, how the champion's messages of the last window compare with those it
 * scored when it started serving the stream (confidence, unknown words, label mix), and the
 * model_drift alert once a drift held. Tells people when labelling and training again pays.
 */
export function DriftPanel() {
  const drift = useRefreshed('drift', fetchDrift, refreshMs);
  return (
    <section aria-labelledby="drift-title" className="space-y-2 rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="drift-panel">
      <h2 id="drift-title" className="text-lg font-semibold">Drift watch</h2>
      {drift.error && !drift.value ? (
        <Notice kind="error" title="The drift watch could not be read">{drift.error}</Notice>
      ) : !drift.value ? (
        <p role="status" className="text-slate-600">Loading the drift watch…</p>
      ) : (
        <DriftTable status={drift.value} />
      )}
    </section>
  );
}

function DriftTable({ status }: { status: ModelDriftStatus }) {
  const over = (psi: number) => (psi > status.threshold ? 'font-semibold text-[#D55E00]' : '');
  return (
    <>
      <p className="max-w-3xl text-slate-700">
        Every {duration(status.checkMs)} each stream&apos;s last {duration(status.windowMs)} of messages scored by <code className="text-xs">{status.model}</code> is
        compared with its reference: what this model made of the stream once it had scored {count(status.referenceMessages)} of its messages. A population
        stability index (PSI) over {status.threshold.toFixed(2)} in confidence or unknown words, held for {duration(status.holdMs)}, raises a model drift alert.
        The label mix is shown, never decides: angrier customers are news for the sentiment alerts, not a sign the model stopped fitting.
      </p>
      {status.streams.length === 0 ? (
        <Notice kind="empty" title="No streams watched yet">The detector reads each stream once it runs.</Notice>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left tabular-nums">
            <thead className="text-slate-600">
              <tr>
                <th className="py-1 pr-3 font-medium">Stream</th>
                <th className="py-1 pr-3 font-medium">State</th>
                <th className="py-1 pr-3 font-medium">Confidence PSI</th>
                <th className="py-1 pr-3 font-medium">Unknown words (reference)</th>
                <th className="py-1 pr-3 font-medium">Label mix PSI</th>
                <th className="py-1 pr-3 font-medium">Messages</th>
                <th className="py-1 pr-3 font-medium">Reference</th>
              </tr>
            </thead>
            <tbody>
              {status.streams.map((s) => (
                <tr key={s.stream} className="border-t border-slate-100" data-testid="drift-row">
                  <td className="py-1 pr-3">{s.name}</td>
                  <td className="py-1 pr-3">
                    <span className={s.state === 'drifting' ? 'font-semibold text-[#D55E00]' : ''} data-testid="drift-state">{stateText[s.state]}</span>
                    {s.driftingSince && <span className="text-slate-600"> since {clock(Date.parse(s.driftingSince))}</span>}
                    {s.alertId && (
                      <>
                        {' · '}
                        <a href={`/alerts?alert=${encodeURIComponent(s.alertId)}`} className="text-sky-800 underline">the alert</a>
                      </>
                    )}
                  </td>
                  <td className="py-1 pr-3">{s.psi ? <span className={over(s.psi.confidence)}>{s.psi.confidence.toFixed(2)}</span> : '–'}</td>
                  <td className="py-1 pr-3">
                    {s.psi && s.unknownRate ? (
                      <>
                        {rate(s.unknownRate.current)} ({rate(s.unknownRate.reference)}), PSI <span className={over(s.psi.unknownWords)}>{s.psi.unknownWords.toFixed(2)}</span>
                      </>
                    ) : (
                      '–'
                    )}
                  </td>
                  <td className="py-1 pr-3">{s.psi ? s.psi.labels.toFixed(2) : '–'}</td>
                  <td className="py-1 pr-3">{s.at ? count(s.messages) : '–'}</td>
                  <td className="py-1 pr-3">{s.reference ? `${count(s.reference.messages)} msgs, ${clock(Date.parse(s.reference.takenAt), true)}` : 'not yet'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
