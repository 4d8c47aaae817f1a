'use client';
import { useState } from 'react';
import { useSession } from '../../hooks/useSession.ts';
import { errorText } from '../../lib/api.ts';
import { principalName } from '../../lib/session.ts';

/** The top bar's end: who is signed in (email and role, in words) and Sign out. */
export function SignedInAs() {
  const { mode, principal, signOut } = useSession();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  if (mode === 'open') return <span className="ml-auto text-slate-300">Open mode: nobody signs in</span>;
  if (!principal) return null;
  // A browser holds a session, never a key; a key (or an open principal) is only named.
  if (principal.kind !== 'user') return <span className="ml-auto">{principalName(principal)}</span>;

  const leave = async () => {
    setBusy(true);
    setFailure(null);
    try {
      await signOut();
    } catch (err) {
      setFailure(errorText(err));
      setBusy(false);
    }
  };

  return (
    <span className="ml-auto flex flex-wrap items-center gap-2" data-testid="signed-in">
      <span>
        <span className="sr-only">Signed in as </span>
        <span className="font-medium">{principal.email}</span>{' '}
        <span className="rounded bg-slate-700 px-1.5 text-xs">
          <span className="sr-only">role </span>
          {principal.role}
        </span>
      </span>
      <button
        type="button"
        onClick={() => void leave()}
        disabled={busy}
        className="rounded border border-slate-400 px-2 py-0.5 hover:bg-slate-700 focus:outline-2 focus:outline-white disabled:opacity-60"
      >
        {busy ? 'Signing out…' : 'Sign out'}
      </button>
      {failure && <span role="alert" className="w-full text-amber-200">Not signed out: {failure}</span>}
    </span>
  );
}
