'use client';
import type { ReactNode } from 'react';
import { useSession } from '../../hooks/useSession.ts';
import { principalName, type Permission } from '../../lib/session.ts';
import { Notice } from '../Notice.tsx';

const needs: Record<Permission, string> = {
  read: 'a viewer, editor or admin account',
  ingest: 'an API key with the ingest scope',
  edit: 'the editor or admin role',
  admin: 'the admin role',
};

/**
 * A page for some roles only: the others are told so, and who they are signed in as, instead of
 * a page of failed calls (the server refuses them anyway: 403).
 */
export function RequirePermission({ need, what, children }: { need: Permission; what: string; children: ReactNode }) {
  const { can, principal } = useSession();
  if (can(need)) return children;
  return (
    <main className="p-4">
      <Notice kind="error" title={`${what} needs ${needs[need]}`}>
        You are signed in as {principal ? principalName(principal) : 'nobody'}. Ask an admin if you need access.
      </Notice>
    </main>
  );
}
