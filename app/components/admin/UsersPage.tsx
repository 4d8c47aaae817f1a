'use client';
import { useState } from 'react';
import { useLoaded } from '../../hooks/useLoaded.ts';
import { useSession } from '../../hooks/useSession.ts';
import { listUsers, type PublicUser } from '../../lib/admin-api.ts';
import { loginPath } from '../../lib/session.ts';
import { Notice } from '../Notice.tsx';
import { NewUserForm } from './NewUserForm.tsx';
import { UserList } from './UserList.tsx';

/**
 * Users: the new-user form and every account with its role, status and password. Creating the
 * first admin in open mode turns authentication on, so the page leaves for the sign-in page; a
 * change to one's own account reads the session again (a demoted admin loses this page).
 */
export function UsersPage() {
  const users = useLoaded(listUsers);
  const session = useSession();
  const [flash, setFlash] = useState<string | null>(null);
  const open = session.mode === 'open';
  const selfId = session.principal?.kind === 'user' ? session.principal.id : null;
  const put = (user: PublicUser) => users.update((list) => [...list.filter((u) => u.id !== user.id), user]);

  const created = (user: PublicUser) => {
    if (open && user.role === 'admin') {
      // A full load: open mode's page state goes, and the next page reads the now enforced session.
      window.location.assign(`${loginPath}?${new URLSearchParams({ next: '/admin/users', first: '1' })}`);
      return;
    }
    put(user);
    setFlash(`Created ${user.email} (${user.role}).`);
  };

  return (
    <>
      <header className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-slate-200 bg-white px-4 py-3">
        <h1 className="text-xl font-bold">Users</h1>
        <p className="flex-1 text-sm text-slate-600">People sign in with email and password. Viewers read, editors also change streams and alerts, admins also manage keys, users and channels.</p>
      </header>
      <main className="space-y-4 p-4">
        <NewUserForm open={open} onCreated={created} />
        <p role="status" className="text-sm empty:hidden">{flash ?? ''}</p>
        <section aria-labelledby="users-title" className="space-y-2">
          <h2 id="users-title" className="text-lg font-semibold">Accounts{users.data ? ` (${users.data.length})` : ''}</h2>
          {users.error ? (
            <Notice kind="error" title="The users could not be loaded">
              {users.error}{' '}
              <button type="button" onClick={users.reload} className="ml-1 rounded border border-slate-500 px-2 py-0.5 hover:bg-white">Retry</button>
            </Notice>
          ) : !users.data ? (
            <p role="status" className="text-sm text-slate-600">Loading the users…</p>
          ) : users.data.length === 0 ? (
            <Notice kind="empty" title="No users yet">
              {open ? 'Create the first admin above to turn sign-in on.' : 'Create one above.'}
            </Notice>
          ) : (
            <UserList
              users={users.data}
              selfId={selfId}
              onChange={(user, self) => {
                put(user);
                if (self) session.reload();
              }}
            />
          )}
        </section>
      </main>
    </>
  );
}
