'use client';
import { useState } from 'react';
import { useLoaded } from '../../hooks/useLoaded.ts';
import { listKeys, type CreatedKey, type PublicKey } from '../../lib/admin-api.ts';
import { Notice } from '../Notice.tsx';
import { KeyList } from './KeyList.tsx';
import { NewKeyForm } from './NewKeyForm.tsx';
import { TokenOnce } from './TokenOnce.tsx';

/** API keys: the new-key form, the token of the key just made (once), and every key with Revoke. */
export function KeysPage() {
  const keys = useLoaded(listKeys);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const put = (key: PublicKey) => keys.update((list) => [...list.filter((k) => k.id !== key.id), key]);

  return (
    <>
      <header className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-slate-200 bg-white px-4 py-3">
        <h1 className="text-xl font-bold">API keys</h1>
        <p className="flex-1 text-sm text-slate-600">Sources send messages with a key, scripts and other dashboards read with one. A key is shown once, when it is made.</p>
      </header>
      <main className="space-y-4 p-4">
        <NewKeyForm
          onCreated={(c) => {
            setCreated(c);
            put(c.key);
          }}
        />
        {created && <TokenOnce created={created} onDone={() => setCreated(null)} />}
        <section aria-labelledby="keys-title" className="space-y-2">
          <h2 id="keys-title" className="text-lg font-semibold">Keys{keys.data ? ` (${keys.data.length})` : ''}</h2>
          {keys.error ? (
            <Notice kind="error" title="The keys could not be loaded">
              {keys.error}{' '}
              <button type="button" onClick={keys.reload} className="ml-1 rounded border border-slate-500 px-2 py-0.5 hover:bg-white">Retry</button>
            </Notice>
          ) : !keys.data ? (
            <p role="status" className="text-sm text-slate-600">Loading the keys…</p>
          ) : keys.data.length === 0 ? (
            <Notice kind="empty" title="No keys yet">
              Create one above for each source that sends messages (scope <strong>ingest</strong>) or script that reads them (scope <strong>read</strong>).
            </Notice>
          ) : (
            <KeyList keys={keys.data} onChange={put} />
          )}
        </section>
      </main>
    </>
  );
}
