'use client';
import { useEffect, useState } from 'react';
import { errorText } from '../../lib/api.ts';
import { fetchShadow, startShadow, stopShadow, type ModelRef, type ShadowStatus } from '../../lib/promotion-api.ts';

const button = 'rounded border border-slate-500 px-2 py-0.5 hover:bg-slate-100 disabled:opacity-60';
/** The agreement is re-read this often while a shadow runs: it grows with live traffic. */
const refreshMs = 5_000;

const percent = (agreed: number, compared: number) => (compared ? `${Math.round((100 * agreed) / compared)} %` : '–');

/**
 * A challenger in shadow: which model sees which share of live traffic, how often it gave the
 * champion's label (per champion label), and for admins Run in shadow / Stop. The labels never
 * change what is stored; they only say how the challenger would have done.
 */
export function ShadowPanel({ running, candidates, admin, onChanged }: { running: ShadowStatus['running']; candidates: readonly ModelRef[]; admin: boolean; onChanged(): void }) {
  const [status, setStatus] = useState<ShadowStatus | null>(null);
  const [choice, setChoice] = useState('');
  const [share, setShare] = useState('10');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const version = running?.version;

  useEffect(() => {
    if (!version) return setStatus(null);
    const abort = new AbortController();
    const read = () => fetchShadow(version, abort.signal).then(setStatus, () => undefined);
    void read();
    const timer = setInterval(read, refreshMs);
    return () => {
      clearInterval(timer);
      abort.abort();
    };
  }, [version]);

  const act = async (change: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(null);
    try {
      await change();
      onChanged();
    } catch (err) {
      setProblem(`Not changed: ${errorText(err)}`);
    } finally {
      setBusy(false);
    }
  };
  const chosen = candidates.find((m) => m.version === choice) ?? candidates[0];
  const sample = Number(share) / 100;
  const agreement = status?.agreement;

  return (
    <div className="space-y-2 border-t border-slate-200 pt-3" data-testid="shadow-panel">
      <h3 className="font-semibold">Shadow</h3>
      {running ? (
        <p>
          <code className="text-xs">{running.version}</code> sees {Math.round(running.sample * 100)} % of live traffic (started by {running.by}).{' '}
          {agreement && (
            <span data-testid="shadow-agreement">
              It gave the champion&apos;s label on {agreement.agreed.toLocaleString()} of {agreement.compared.toLocaleString()} messages ({percent(agreement.agreed, agreement.compared)})
              {agreement.byChampionLabel.length > 0 && `: ${agreement.byChampionLabel.map((l) => `${l.label} ${percent(l.agreed, l.compared)}`).join(', ')}`}.
            </span>
          )}
        </p>
      ) : (
        <p className="text-slate-600">No model runs in shadow.</p>
      )}
      {admin && (
        <div className="flex flex-wrap items-center gap-2">
          {running && (
            <button type="button" disabled={busy} className={button} onClick={() => void act(() => stopShadow(running.version))}>Stop the shadow</button>
          )}
          {chosen && (
            <>
              <label htmlFor="shadow-choice" className="text-slate-700">Challenger</label>
              <select id="shadow-choice" value={chosen.version} onChange={(e) => setChoice(e.target.value)} className="rounded border border-slate-400 bg-white px-1 py-0.5">
                {candidates.map((m) => (
                  <option key={m.version} value={m.version}>{`${m.name} ${m.version}`}</option>
                ))}
              </select>
              <label htmlFor="shadow-share" className="text-slate-700">Share (%)</label>
              <input id="shadow-share" type="number" min={1} max={100} value={share} onChange={(e) => setShare(e.target.value)} className="w-16 rounded border border-slate-400 px-1 py-0.5" />
              <button type="button" disabled={busy || !(sample > 0 && sample <= 1)} className={button} onClick={() => void act(() => startShadow(chosen.version, sample))}>
                Run in shadow
              </button>
            </>
          )}
        </div>
      )}
      {problem && <p role="alert" className="text-[#D55E00]">{problem}</p>}
    </div>
  );
}
