/**
 * The session: who is signed in and whether the server runs open, read from `/api/auth/me` once
 * per page load (the provider in the root layout stays mounted across the dashboard's own
 * navigation) and shared through a context. A 401 from any API call means the session ended:
 * the state becomes "nobody signed in", and the gate sends the person to the sign-in page.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { errorText, onUnauthenticated } from '../lib/api.ts';
import { fetchMe, signOut as callSignOut, type AuthMode, type Me, type SessionPrincipal } from '../lib/auth-api.ts';
import { can as principalCan, loginPath, type Permission } from '../lib/session.ts';

export type SessionState = { status: 'loading' } | { status: 'failed'; error: string } | { status: 'ready'; me: Me };

export interface Session {
  state: SessionState;
  /** Null until `/api/auth/me` answered. */
  mode: AuthMode | null;
  /** Null while loading, and when nobody is signed in. */
  principal: SessionPrincipal | null;
  /** Whether the principal has the permission (open mode: every one). False until known. */
  can(permission: Permission): boolean;
  /** The session the sign-in page just opened, taken over without a reload. */
  signedIn(me: Me): void;
  /** Ends the session and leaves for the sign-in page (a full load: nothing of this session stays in memory). */
  signOut(): Promise<void>;
  /** Reads `/api/auth/me` again: after a failure, or after a change that may concern the session (the first admin, one's own role). */
  reload(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs the SessionProvider of the root layout');
  return session;
}

const signedOut: Me = { mode: 'enforced', principal: null };

/** The provider's side: loads the session and keeps it. */
export function useSessionLoader(): Session {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [loads, setLoads] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    fetchMe(abort.signal).then(
      (me) => setState({ status: 'ready', me }),
      (err: unknown) => abort.signal.aborted || setState({ status: 'failed', error: errorText(err) }),
    );
    return () => abort.abort();
  }, [loads]);

  useEffect(() => onUnauthenticated(() => setState({ status: 'ready', me: signedOut })), []);

  const signedIn = useCallback((me: Me) => setState({ status: 'ready', me }), []);
  const reload = useCallback(() => {
    // A page in use stays as it is until the answer replaces the session; only a failure shows "loading" again.
    setState((s) => (s.status === 'failed' ? { status: 'loading' } : s));
    setLoads((n) => n + 1);
  }, []);
  const signOut = useCallback(async () => {
    await callSignOut();
    window.location.assign(loginPath);
  }, []);

  return useMemo(() => {
    const me = state.status === 'ready' ? state.me : null;
    const principal = me?.principal ?? null;
    return { state, mode: me?.mode ?? null, principal, can: (p: Permission) => principalCan(principal, p), signedIn, signOut, reload };
  }, [state, signedIn, signOut, reload]);
}
