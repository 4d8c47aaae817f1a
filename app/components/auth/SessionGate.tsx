'use client';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { useSession } from '../../hooks/useSession.ts';
import { loginHref, loginPath } from '../../lib/session.ts';
import { Notice } from '../Notice.tsx';

/**
 * Renders a page only once the session is known and lets it in: with authentication enforced
 * and nobody signed in, the person goes to the sign-in page, which brings them back here
 * afterwards. Until then the page's data calls and live connection do not start, so a
 * signed-out visit makes no request the server would refuse. The sign-in page always renders.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const { state, reload } = useSession();
  const pathname = usePathname();
  const router = useRouter();
  const signInPage = pathname === loginPath;
  const mustSignIn = state.status === 'ready' && state.me.mode === 'enforced' && !state.me.principal;

  useEffect(() => {
    // The query too: a filtered list or an open editor is where the person comes back to.
    if (mustSignIn && !signInPage) router.replace(loginHref(`${window.location.pathname}${window.location.search}`));
  }, [mustSignIn, signInPage, router]);

  if (signInPage) return children;
  if (state.status === 'loading') return <p role="status" className="p-4 text-sm text-slate-600">Checking who is signed in…</p>;
  if (state.status === 'failed') {
    return (
      <div className="p-4">
        <Notice kind="error" title="Pulse could not tell who is signed in">
          {state.error}{' '}
          <button type="button" onClick={reload} className="ml-1 rounded border border-slate-500 px-2 py-0.5 hover:bg-white">Retry</button>
        </Notice>
      </div>
    );
  }
  if (mustSignIn) return <p role="status" className="p-4 text-sm text-slate-600">Signing in is needed; taking you to the sign-in page…</p>;
  return children;
}
