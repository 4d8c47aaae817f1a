import type { Metadata } from 'next';
import { Suspense } from 'react';
import { RequirePermission } from '../../components/auth/RequirePermission.tsx';
import { UsersPage } from '../../components/admin/UsersPage.tsx';

export const metadata: Metadata = { title: 'Users — Pulse' };

/** Users, for admins (and everybody while the server runs open, to create the first admin). The form reads the URL, hence the Suspense boundary. */
export default function Page() {
  return (
    <RequirePermission need="admin" what="Managing users">
      <Suspense fallback={<p className="p-4">Loading the users…</p>}>
        <UsersPage />
      </Suspense>
    </RequirePermission>
  );
}
