'use client';
import { useState } from 'react';
import { useLoaded } from '../../hooks/useLoaded.ts';
import { useSession } from '../../hooks/useSession.ts';
import { errorText } from '../../lib/api.ts';
import { clock } from '../../lib/format.ts';
import { fetchChampions, promoteModel, rollbackModel, type ChampionHistory, type ModelRef } from '../../lib/promotion-api.ts';
import { ConfirmDialog } from '../ConfirmDialog.tsx';
import { DataTable } from '../DataTable.tsx';
import { Notice } from '../Notice.tsx';
import { ShadowPanel } from './ShadowPanel.tsx';

const button = 'rounded border border-slate-500 px-2 py-0.5 hover:bg-slate-100 disabled:opacity-60';

/** A model as people read it: its name, the start of its version, and whether it is the configured one. */
function ModelName({ model }: { model: ModelRef }) {
  return (
    <>
      {model.name} <code className="text-xs text-slate-600">{model.version}</code>
      {model.configured && <span className="text-xs text-slate-600"> (configured)</span>}
    </>
  );
}

/** What the admin is about to do, held until they confirm it. */
type Pending = { kind: 'promote'; model: ModelRef } | { kind: 'rollback'; from: ModelRef; to: ModelRef };

/**
 * The champion: the model every classifier serves now, Promote and Roll back for admins (each
 * asks once more: every classifier swaps within seconds), a challenger in shadow, and every
 * promotion and rollback with who made it and when.
 */
export function ChampionPanel() {
  const admin = useSession().can('admin');
  const history = useLoaded(fetchChampions);
  if (history.error) {
    return (
      <Notice kind="error" title="The champion could not be loaded">
        {history.error}{' '}
        <button type="button" onClick={history.reload} className="ml-1 rounded border border-slate-500 px-2 py-0.5 hover:bg-white">Retry</button>
      </Notice>
    );
  }
  if (!history.data) return <p role="status" className="text-sm text-slate-600">Loading the champion…</p>;
  return <ChampionView history={history.data} admin={admin} onChanged={history.reload} />;
}

function ChampionView({ history, admin, onChanged }: { history: ChampionHistory; admin: boolean; onChanged(): void }) {
  const promotable = history.models.filter((m) => m.version !== history.serving.version);
  const [choice, setChoice] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const chosen = promotable.find((m) => m.version === choice) ?? promotable[0];
  const rollbackTo = history.rollbackTo;

  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    try {
      const change = pending.kind === 'promote' ? await promoteModel(pending.model.version) : await rollbackModel();
      setStatus({ ok: true, text: `${change.action === 'promote' ? 'Promoted' : 'Rolled back to'} ${change.to.name}: every classifier switches within seconds.` });
      onChanged();
    } catch (err) {
      setStatus({ ok: false, text: `Not changed: ${errorText(err)}` });
    } finally {
      setBusy(false);
      setPending(null);
    }
  };

  return (
    <section aria-labelledby="champion-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="champion-panel">
      <h2 id="champion-title" className="text-lg font-semibold">Champion</h2>
      <p data-testid="champion-serving">
        Serving now: <strong><ModelName model={history.serving} /></strong>
        {history.serving.configured && !history.changes.length && <span className="text-slate-600"> (nothing promoted yet)</span>}
      </p>
      {admin && !pending && (
        <div className="flex flex-wrap items-center gap-2">
          {chosen && (
            <>
              <label htmlFor="promote-choice" className="text-slate-700">Model</label>
              <select id="promote-choice" value={chosen.version} onChange={(e) => setChoice(e.target.value)} className="rounded border border-slate-400 bg-white px-1 py-0.5">
                {promotable.map((m) => (
                  <option key={m.version} value={m.version}>{`${m.name} ${m.version}${m.configured ? ' (configured)' : ''}`}</option>
                ))}
              </select>
              <button type="button" className={button} onClick={() => setPending({ kind: 'promote', model: chosen })}>Promote…</button>
            </>
          )}
          {rollbackTo && (
            <button type="button" className={button} onClick={() => setPending({ kind: 'rollback', from: history.serving, to: rollbackTo })}>Roll back…</button>
          )}
        </div>
      )}
      {pending && (
        <ConfirmDialog
          id="champion-confirm"
          question={
            <>
              {pending.kind === 'promote' ? (
                <>Promote <ModelName model={pending.model} />? </>
              ) : (
                <>Roll back from <ModelName model={pending.from} /> to <ModelName model={pending.to} />? </>
              )}
              Every classifier swaps to it between batches; messages scored from then on carry its version.
            </>
          }
          action={pending.kind === 'promote' ? 'Promote' : 'Roll back'}
          busyLabel="Changing…"
          busy={busy}
          onConfirm={() => void confirm()}
          onCancel={() => setPending(null)}
          button={button}
          className="max-w-xl"
        />
      )}
      {status && (
        <p role={status.ok ? 'status' : 'alert'} className={status.ok ? 'text-slate-700' : 'text-[#D55E00]'}>{status.text}</p>
      )}
      <ShadowPanel running={history.shadow} candidates={promotable} admin={admin} onChanged={onChanged} />
      {history.changes.length > 0 && (
        <DataTable testId="champion-history" caption="Promotions and rollbacks, newest first" columns={[{ label: 'When' }, { label: 'Action' }, { label: 'From' }, { label: 'To' }, { label: 'By' }]}>
          {history.changes.map((c) => (
            <tr key={c.id} className="align-top">
              <td className="py-2 pr-3 pl-3 tabular-nums whitespace-nowrap"><time dateTime={c.at}>{clock(Date.parse(c.at), true)}</time></td>
              <td className="py-2 pr-3">{c.action === 'promote' ? 'Promoted' : 'Rolled back'}</td>
              <td className="py-2 pr-3"><ModelName model={c.from} /></td>
              <td className="py-2 pr-3"><ModelName model={c.to} /></td>
              <td className="py-2 pr-3">{c.by}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
