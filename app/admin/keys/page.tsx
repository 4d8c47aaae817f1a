import type { Metadata } from 'next';
import { RequirePermission } from '../../components/auth/RequirePermission.tsx';
import { KeysPage } from '../../components/admin/KeysPage.tsx';

export const metadata: Metadata = { title: 'API keys — Pulse' };

/** API keys, for admins (and everybody while the server runs open). */
export default function Page() {
  return (
    <RequirePermission need="admin" what="Managing API keys">
      <KeysPage />
    </RequirePermission>
  );
}
