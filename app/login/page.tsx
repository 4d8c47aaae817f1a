import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LoginPage } from '../components/auth/LoginPage.tsx';

export const metadata: Metadata = { title: 'Sign in — Pulse' };

/** Signing in. Where to go afterwards comes from the URL on the client (`?next=`), hence the Suspense boundary. */
export default function Page() {
  return (
    <Suspense fallback={<p className="p-4">Loading the sign-in form…</p>}>
      <LoginPage />
    </Suspense>
  );
}
