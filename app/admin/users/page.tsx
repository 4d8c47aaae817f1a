import type { Metadata } from 'next';
import { RequirePermission } from '../../components/auth/RequirePermission.tsx';
import { UsersPage } from '../../components/admin/UsersPage.tsx';

export const metadata: Metadata = { title: 'Users — Pulse' };

/** Users, for admins (and everybody while the server runs open, to create the first admin). */
export default function Page() {
  return (
    <RequirePermission need="admin" what="Managing users">
      <UsersPage />
    </RequirePermission>
  );
}
