'use client';
import { useState, type FormEvent } from 'react';
import { Roles, type Role } from '../../../lib/contracts/auth.ts';
import { updateUser, type PublicUser, type UserChange } from '../../lib/admin-api.ts';
import { ApiError, errorText } from '../../lib/api.ts';
import { clock } from '../../lib/format.ts';
import { lastAdminText, minPasswordChars } from '../../lib/users-text.ts';

const button = 'rounded border border-slate-500 px-2 py-0.5 hover:bg-slate-100 disabled:opacity-60';
const field = 'rounded border border-slate-400 bg-white px-1 py-0.5';

type Problem = { kind: 'last-admin' } | { kind: 'other'; text: string };

interface Props {
  user: PublicUser;
  /** This row is the signed-in user: changing it changes the session too. */
  self: boolean;
  onChange(user: PublicUser, self: boolean): void;
}

/** One user: role (changed with its own Save), enabled or not, and a new password; each change says what it did or why not. */
export function UserRow({ user, self, onChange }: Props) {
  const [role, setRole] = useState<Role>(user.role);
  const [settingPassword, setSettingPassword] = useState(false);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState<keyof UserChange | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const name = user.email;

  const change = async (what: keyof UserChange, patch: UserChange, said: string) => {
    setBusy(what);
    setProblem(null);
    setDone(null);
    try {
      const updated = await updateUser(user.id, patch);
      onChange(updated, self);
      setRole(updated.role);
      setDone(said);
      return true;
    } catch (err) {
      setProblem(err instanceof ApiError && err.code === 'CONFLICT' ? { kind: 'last-admin' } : { kind: 'other', text: errorText(err) });
      setRole(user.role);
      return false;
    } finally {
      setBusy(null);
    }
  };

  const savePassword = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (await change('password', { password }, `New password set for ${name}. Sessions already signed in stay so until they end (the server keeps them).`)) {
      setPassword('');
      setSettingPassword(false);
    }
  };

  return (
    <tr className="align-top" data-user-email={user.email}>
      <th scope="row" className="py-2 pr-3 pl-3 font-medium">
        {name}
        {self && <span className="ml-1 text-xs font-normal text-slate-600">(you)</span>}
      </th>
      <td className="py-2 pr-3">
        <div className="flex flex-wrap items-center gap-1">
          <label>
            <span className="sr-only">Role of {name}</span>
            <select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)} className={field}>
              {Roles.map((r) => (
                <option key={r} value={r}>{r}</option>
              ))}
            </select>
          </label>
          {role !== user.role && (
            <button type="button" disabled={busy !== null} onClick={() => void change('role', { role }, `${name} is now ${role}.`)} className={button}>
              {busy === 'role' ? 'Saving…' : 'Save role'}<span className="sr-only"> of {name}</span>
            </button>
          )}
        </div>
      </td>
      <td className="py-2 pr-3 whitespace-nowrap" data-testid="user-status">
        {user.disabled ? (
          <><span aria-hidden="true">✕ </span>Disabled</>
        ) : (
          <><span aria-hidden="true">✓ </span>Enabled</>
        )}
      </td>
      <td className="py-2 pr-3 tabular-nums whitespace-nowrap"><time dateTime={user.createdAt}>{clock(Date.parse(user.createdAt), true)}</time></td>
      <td className="py-2 pr-3 tabular-nums whitespace-nowrap"><time dateTime={user.updatedAt}>{clock(Date.parse(user.updatedAt), true)}</time></td>
      <td className="max-w-md py-2 pr-3">
        <div className="flex flex-wrap gap-1">
          <button
            type="button"
            disabled={busy !== null}
            onClick={() => void change('disabled', { disabled: !user.disabled }, user.disabled ? `${name} can sign in again.` : `${name} is disabled and signed out everywhere within seconds.`)}
            className={button}
          >
            {busy === 'disabled' ? 'Saving…' : user.disabled ? 'Enable' : 'Disable'}<span className="sr-only"> {name}</span>
          </button>
          {!settingPassword && (
            <button type="button" onClick={() => setSettingPassword(true)} className={button}>
              Set a new password…<span className="sr-only"> for {name}</span>
            </button>
          )}
        </div>
        {self && !user.disabled && <p className="mt-1 text-xs text-slate-600">Disabling yourself or giving up the admin role takes effect on your own session at once.</p>}
        {settingPassword && (
          <form onSubmit={savePassword} aria-label={`New password for ${name}`} className="mt-2 flex flex-wrap items-end gap-2">
            <label className="flex flex-col">
              New password
              <input
                type="password"
                required
                minLength={minPasswordChars}
                maxLength={256}
                autoComplete="new-password"
                autoFocus
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                className={field}
              />
              <span className="text-xs text-slate-600">At least {minPasswordChars} characters.</span>
            </label>
            <button type="submit" disabled={busy !== null} className={button}>{busy === 'password' ? 'Saving…' : 'Save password'}</button>
            <button
              type="button"
              onClick={() => {
                setSettingPassword(false);
                setPassword('');
              }}
              className={button}
            >
              Cancel
            </button>
          </form>
        )}
        <p role="status" className="mt-1 text-xs empty:hidden">{done ?? ''}</p>
        {problem && (
          <div role="alert" className="mt-1 rounded border-2 border-[#D55E00] bg-orange-50 p-2 text-xs" data-testid="user-problem">
            {problem.kind === 'last-admin' ? (
              <>
                <p className="font-semibold"><span aria-hidden="true">⚠ </span>Not changed: {name} is the last enabled admin.</p>
                <p>{lastAdminText}</p>
              </>
            ) : (
              <p><span aria-hidden="true">⚠ </span>Not changed: {problem.text}</p>
            )}
          </div>
        )}
      </td>
    </tr>
  );
}
