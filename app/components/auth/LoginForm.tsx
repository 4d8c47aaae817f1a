'use client';
import { useState, type FormEvent } from 'react';
import { useCountdown } from '../../hooks/useCountdown.ts';
import { ApiError, errorText } from '../../lib/api.ts';
import { signIn, type Me } from '../../lib/auth-api.ts';
import { TextField } from '../TextField.tsx';

type Problem = { kind: 'wrong' } | { kind: 'limited'; seconds: number } | { kind: 'other'; text: string };

/** A refusal in words: which case it is, and for too many attempts how long to wait. */
function problemOf(err: unknown): Problem {
  if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') return { kind: 'wrong' };
  if (err instanceof ApiError && err.code === 'RATE_LIMITED') return { kind: 'limited', seconds: err.retryAfter ?? 5 };
  return { kind: 'other', text: errorText(err) };
}

/**
 * Email and password, named for password managers (`username`, `current-password`). A wrong
 * password and too many attempts are told apart; after too many, the button waits out the
 * server's Retry-After, counting down.
 */
export function LoginForm({ onSignedIn }: { onSignedIn(me: Me): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const wait = useCountdown(retryAt);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      onSignedIn(await signIn(email.trim(), password));
    } catch (err) {
      const p = problemOf(err);
      setProblem(p);
      if (p.kind === 'limited') setRetryAt(Date.now() + p.seconds * 1000);
      // A wrong password is typed again from scratch; the email stays.
      if (p.kind === 'wrong') setPassword('');
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-labelledby="login-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4" data-testid="login-form">
      <TextField label="Email" name="email" type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      {problem && (
        <div role="alert" className="rounded border border-[#D55E00] bg-orange-50 p-2 text-sm" data-testid="login-error">
          <span aria-hidden="true">⚠ </span>
          {problem.kind === 'wrong' ? (
            'Wrong email or password. Check both and try again.'
          ) : problem.kind === 'limited' ? (
            <>
              Too many sign-in attempts from this address. Wait {problem.seconds} s before trying again.
              {wait > 0 && <span aria-hidden="true" className="text-slate-600"> ({wait} s left)</span>}
            </>
          ) : (
            `Not signed in: ${problem.text}`
          )}
        </div>
      )}
      <button
        type="submit"
        disabled={busy || wait > 0}
        className="rounded border border-slate-500 bg-slate-800 px-3 py-1 text-white hover:bg-slate-700 disabled:opacity-60"
      >
        {busy ? 'Signing in…' : wait > 0 ? `Sign in (wait ${wait} s)` : 'Sign in'}
      </button>
    </form>
  );
}
