import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ComparePage } from '../components/compare/ComparePage.tsx';

export const metadata: Metadata = { title: 'Compare streams — Pulse' };

/** Share of voice. The streams and window come from the URL on the client, hence the Suspense boundary. */
export default function Page() {
  return (
    <Suspense fallback={<p className="p-4">Loading the comparison…</p>}>
      <ComparePage />
    </Suspense>
  );
}
