import type { Metadata } from 'next';
import { Suspense } from 'react';
import { RequirePermission } from '../../components/auth/RequirePermission.tsx';
import { AuditPage } from '../../components/admin/AuditPage.tsx';

export const metadata: Metadata = { title: 'Audit log — Pulse' };

/** The audit log, for admins. Its filters come from the URL on the client, hence the Suspense boundary. */
export default function Page() {
  return (
    <RequirePermission need="admin" what="Reading the audit log">
      <Suspense fallback={<p className="p-4">Loading the audit log…</p>}>
        <AuditPage />
      </Suspense>
    </RequirePermission>
  );
}
