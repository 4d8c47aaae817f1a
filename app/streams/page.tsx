import type { Metadata } from 'next';
import { Suspense } from 'react';
import { StreamsPage } from '../components/streams/StreamsPage.tsx';

export const metadata: Metadata = { title: 'Streams — Pulse' };

/** The keyword streams. Which one is open comes from the URL on the client, hence the Suspense boundary. */
export default function Page() {
  return (
    <Suspense fallback={<p className="p-4">Loading the streams…</p>}>
      <StreamsPage />
    </Suspense>
  );
}
