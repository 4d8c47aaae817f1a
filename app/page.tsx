import { Suspense } from 'react';
import { Dashboard } from './components/Dashboard.tsx';

/**
 * The overview. Everything on it is live data read in the browser, so the server sends the
 * shell only; the Suspense boundary is what lets Next pre-render that shell while the view
 * comes from the URL on the client.
 */
export default function Page() {
  return (
    <Suspense fallback={<p className="p-4">Loading the dashboard…</p>}>
      <Dashboard />
    </Suspense>
  );
}
