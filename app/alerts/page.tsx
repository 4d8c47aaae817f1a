import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AlertsPage } from '../components/alerts/AlertsPage.tsx';

export const metadata: Metadata = { title: 'Alerts — Pulse' };

/** The alert history. Its filters come from the URL on the client, hence the Suspense boundary (as on the overview). */
export default function Page() {
  return (
    <Suspense fallback={<p className="p-4">Loading the alerts…</p>}>
      <AlertsPage />
    </Suspense>
  );
}
