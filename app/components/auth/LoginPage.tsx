'use client';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useSession } from '../../hooks/useSession.ts';
import type { Me } from '../../lib/auth-api.ts';
import { principalName, safeNext } from '../../lib/session.ts';
import { LoginForm } from './LoginForm.tsx';

/**
 * The sign-in page: the form, then back to where the person was sent from (`?next=`, a path on
 * this site only). Whoever is already signed in, or a server running open, gets a way on instead.
 */
export function LoginPage() {
  const params = useSearchParams();
  const router = useRouter();
  const session = useSession();
  // `location` only in the browser; the server renders the form and nothing depends on the origin there.
  const next = typeof window === 'undefined' ? '/' : safeNext(params.get('next'), window.location.origin);

  const signedIn = (me: Me) => {
    session.signedIn(me);
    router.replace(next);
  };

  return (
    <main className="mx-auto max-w-md space-y-4 p-4">
      <h1 id="login-title" className="text-xl font-bold">Sign in to Pulse</h1>
      {session.mode === 'open' ? (
        <p role="status">
          Authentication is off on this server, so nobody needs to sign in. <Link href={next} className="text-[#0072B2] underline">Continue</Link>
        </p>
      ) : session.principal ? (
        <p role="status">
          You are signed in as {principalName(session.principal)}. <Link href={next} className="text-[#0072B2] underline">Continue</Link>, or sign out
          (top right) to sign in as somebody else.
        </p>
      ) : (
        <>
          {params.get('first') === '1' && (
            <p role="status" className="rounded border border-slate-300 bg-white p-2 text-sm">
              <span aria-hidden="true">✓ </span>Authentication is on now. Sign in with the admin you just created.
            </p>
          )}
          <LoginForm onSignedIn={signedIn} />
          <p className="text-sm text-slate-600">No account yet? An admin creates one on the Users page; there is no self-service sign-up.</p>
        </>
      )}
    </main>
  );
}
