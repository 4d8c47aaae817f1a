'use client';
import type { ReactNode } from 'react';
import { SessionContext, useSessionLoader } from '../../hooks/useSession.ts';

/** Gives every component of the page the session (app/hooks/useSession.ts), loaded once per page load. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const session = useSessionLoader();
  return <SessionContext value={session}>{children}</SessionContext>;
}
