'use client';
import { useState, type FormEvent } from 'react';
import { Scopes, type Scope } from '../../../lib/contracts/auth.ts';
import { createKey, type CreatedKey } from '../../lib/admin-api.ts';
import { errorText } from '../../lib/api.ts';
import { Notice } from '../Notice.tsx';
import { TextField } from '../TextField.tsx';

/** What each scope lets a key do (lib/auth/roles.ts), so nobody picks "admin" where "ingest" does. */
export const scopeHelp: Record<Scope, string> = {
  ingest: 'send messages (POST /api/ingest, WS /ws/ingest); for sources and the replay',
  read: 'read statistics, messages, streams, alerts and the live feed; for other dashboards and scripts',
  admin: 'everything: ingest, read, change streams and channels, manage keys and users, read the audit log',
};

/** A new key: a name that says who uses it, and its scopes. The token comes back to the page (`onCreated`), not into the form. */
export function NewKeyForm({ onCreated }: { onCreated(created: CreatedKey): void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['ingest']);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const toggle = (scope: Scope, on: boolean) => setScopes((s) => Scopes.filter((x) => (x === scope ? on : s.includes(x))));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!scopes.length) return setProblem('Pick at least one scope.');
    setBusy(true);
    setProblem(null);
    try {
      onCreated(await createKey(name.trim(), scopes));
      setName('');
      setScopes(['ingest']);
    } catch (err) {
      setProblem(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-labelledby="new-key-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="new-key">
      <h2 id="new-key-title" className="text-lg font-semibold">New key</h2>
      <div className="max-w-md">
        <TextField
          label="Name"
          help="Who or what uses it, e.g. “support-desk connector”; shown in the audit log."
          name="name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="off"
        />
      </div>
      <fieldset className="space-y-1">
        <legend className="font-medium">Scopes</legend>
        {Scopes.map((scope) => (
          <label key={scope} className="flex items-start gap-2">
            <input type="checkbox" name="scopes" value={scope} checked={scopes.includes(scope)} onChange={(e) => toggle(scope, e.target.checked)} className="mt-1" />
            <span>
              <span className="font-medium">{scope}</span>: {scopeHelp[scope]}
            </span>
          </label>
        ))}
      </fieldset>
      {problem && <Notice kind="error" title="No key was created">{problem}</Notice>}
      <button type="submit" disabled={busy} className="rounded border border-slate-500 bg-slate-800 px-3 py-1 text-white hover:bg-slate-700 disabled:opacity-60">
        {busy ? 'Creating…' : 'Create key'}
      </button>
    </form>
  );
}
