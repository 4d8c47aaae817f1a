import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { OpenModeBanner } from './components/auth/OpenModeBanner.tsx';
import { SessionGate } from './components/auth/SessionGate.tsx';
import { SessionProvider } from './components/auth/SessionProvider.tsx';
import { TopNav } from './components/TopNav.tsx';
import './globals.css';

export const metadata: Metadata = {
  title: 'Pulse — live sentiment',
  description: 'Live sentiment of incoming messages: distribution, trends, alerts, messages; keyword streams and their alert history.',
};

/**
 * Every page renders per request: the server's Content-Security-Policy allows only scripts with
 * that response's nonce (server/ui/handler.ts), and Next puts the nonce on its scripts only when
 * it renders the page for the request; a page prerendered at build time would load no script.
 *
 * The session (who is signed in, whether the server runs open) is read in the browser once per
 * page load and wraps everything: the navigation shows who is signed in, the banner says when
 * nothing is protected, and the gate holds a page back until it may be shown.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <SessionProvider>
          <TopNav />
          <OpenModeBanner />
          <SessionGate>{children}</SessionGate>
        </SessionProvider>
      </body>
    </html>
  );
}
