'use client';
import { useState, type FormEvent } from 'react';
import { Roles, type Role } from '../../../lib/contracts/auth.ts';
import { createUser, type PublicUser } from '../../lib/admin-api.ts';
import { errorText } from '../../lib/api.ts';
import { minPasswordChars, roleHelp } from '../../lib/users-text.ts';
import { Notice } from '../Notice.tsx';
import { TextField } from '../TextField.tsx';


interface Props {
  /** The server runs open (no admin yet): an admin created here turns authentication on. */
  open: boolean;
  onCreated(user: PublicUser): void;
}

/**
 * A new account: email, a first password (people cannot change their own yet: an admin sets a
 * new one on the user's row) and a role. In open mode, creating an admin ends open mode, and
 * the form says so before it is pressed. Until an admin exists the role starts at admin: the
 * first account is the one that can create the others and turn sign-in on.
 */
export function NewUserForm({ open, onCreated }: Props) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>(open ? 'admin' : 'viewer');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const turnsOn = open && role === 'admin';

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const user = await createUser({ email: email.trim(), password, role });
      setEmail('');
      setPassword('');
      onCreated(user);
    } catch (err) {
      setProblem(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-labelledby="new-user-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="new-user">
      <h2 id="new-user-title" className="text-lg font-semibold">{open ? 'New user (the first admin turns sign-in on)' : 'New user'}</h2>
      <div className="grid max-w-3xl gap-3 sm:grid-cols-2">
        {/* Someone else's account: the browser must neither fill in nor offer to save the admin's own login here. */}
        <TextField label="Email" name="new-email" type="email" required maxLength={254} autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField
          label="Password"
          help={`At least ${minPasswordChars} characters. Tell it to the person over a channel you trust.`}
          name="new-password"
          type="password"
          required
          minLength={minPasswordChars}
          maxLength={256}
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <fieldset className="space-y-1">
        <legend className="font-medium">Role</legend>
        {open && <p className="text-slate-700" data-testid="first-user-role">No admin exists yet, so the first account is an admin unless you pick another role.</p>}
        {Roles.map((r) => (
          <label key={r} className="flex items-start gap-2">
            <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} className="mt-1" />
            <span>
              <span className="font-medium">{r}</span>: {roleHelp[r]}
            </span>
          </label>
        ))}
      </fieldset>
      {turnsOn && (
        <div className="rounded border-2 border-[#E69F00] bg-amber-50 p-2" data-testid="first-admin-warning">
          <p className="font-semibold"><span aria-hidden="true">⚠ </span>This turns authentication on.</p>
          <p>
            From then on every page and every API call needs a signed-in user or an API key, and open mode ends. You will be taken to the sign-in page: sign in
            with this email and password. Sources that send messages without a key are refused until they get one.
          </p>
        </div>
      )}
      {open && role !== 'admin' && (
        <p className="text-slate-700">The server stays open until an admin exists: a {role} can sign in only from then on.</p>
      )}
      {problem && <Notice kind="error" title="No user was created">{problem}</Notice>}
      <button type="submit" disabled={busy} className="rounded border border-slate-500 bg-slate-800 px-3 py-1 text-white hover:bg-slate-700 disabled:opacity-60">
        {busy ? 'Creating…' : turnsOn ? 'Create the admin and turn sign-in on' : 'Create user'}
      </button>
    </form>
  );
}
