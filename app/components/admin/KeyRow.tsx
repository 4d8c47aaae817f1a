'use client';
import { useState } from 'react';
import { revokeKey, type PublicKey } from '../../lib/admin-api.ts';
import { errorText } from '../../lib/api.ts';
import { clock } from '../../lib/format.ts';
import { ConfirmDialog } from '../ConfirmDialog.tsx';

const button = 'rounded border border-slate-500 px-2 py-0.5 hover:bg-slate-100 disabled:opacity-60';
const time = (iso: string) => <time dateTime={iso}>{clock(Date.parse(iso), true)}</time>;

/** One key: what it may do, who made it, when it was last used, and Revoke behind a confirmation (there is no undo). */
export function KeyRow({ apiKey, onChange }: { apiKey: PublicKey; onChange(key: PublicKey): void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const k = apiKey;

  const revoke = async () => {
    setBusy(true);
    setProblem(null);
    try {
      onChange(await revokeKey(k.id));
    } catch (err) {
      setProblem(`Not revoked: ${errorText(err)}`);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <tr className="align-top" data-key-id={k.id}>
      <th scope="row" className="py-2 pr-3 pl-3 font-medium">
        {k.name}
        <code className="block text-xs font-normal text-slate-600">{k.prefix}</code>
      </th>
      <td className="py-2 pr-3">{k.scopes.join(', ')}</td>
      <td className="py-2 pr-3">{k.createdBy}</td>
      <td className="py-2 pr-3 tabular-nums whitespace-nowrap">{time(k.createdAt)}</td>
      <td className="py-2 pr-3 tabular-nums whitespace-nowrap">{k.lastUsedAt ? time(k.lastUsedAt) : <span className="text-slate-600">never</span>}</td>
      <td className="py-2 pr-3 whitespace-nowrap" data-testid="key-status">
        {k.revokedAt ? (
          <>
            <span aria-hidden="true">✕ </span>Revoked <span className="tabular-nums">{time(k.revokedAt)}</span>
          </>
        ) : (
          <>
            <span aria-hidden="true">✓ </span>Active
          </>
        )}
      </td>
      <td className="py-2 pr-3">
        {!k.revokedAt && !confirming && (
          <button type="button" onClick={() => setConfirming(true)} className={button}>
            Revoke…<span className="sr-only"> {k.name}</span>
          </button>
        )}
        {!k.revokedAt && confirming && (
          <ConfirmDialog
            id={`revoke-${k.id}`}
            question={<>Revoke “{k.name}”? Whatever uses it is refused within seconds. This cannot be undone.</>}
            action="Revoke the key"
            busyLabel="Revoking…"
            busy={busy}
            onConfirm={() => void revoke()}
            onCancel={() => setConfirming(false)}
            button={button}
            className="max-w-xs"
          />
        )}
        {problem && <p role="alert" className="text-[#D55E00]">{problem}</p>}
      </td>
    </tr>
  );
}
