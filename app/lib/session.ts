/**
 * What the dashboard decides from the session: what the signed-in principal may do (the
 * server's own rules, lib/auth/roles.ts, so the buttons shown and the routes allowed cannot
 * drift apart), how it is named, and where the sign-in page may send a person back to.
 */
import { can as serverCan, type Permission } from '../../lib/contracts/auth.ts';
import type { SessionPrincipal } from './auth-api.ts';

export type { Permission };

export function can(principal: SessionPrincipal | null, permission: Permission): boolean {
  return principal !== null && serverCan(principal, permission);
}

/** Who it is, in words: an email with its role, a key by name, or nobody (open mode). */
export function principalName(p: SessionPrincipal): string {
  switch (p.kind) {
    case 'user':
      return `${p.email} (${p.role})`;
    case 'key':
      return `API key “${p.name}” (${p.scopes.join(', ')})`;
    case 'open':
      return 'nobody (authentication is off)';
  }
}

export const loginPath = '/login';

/**
 * Where to go after signing in: `next` when it is a path on this site, else the overview. A
 * link elsewhere (`https://…`, `//host`, `/\host`) must not turn the sign-in page into a
 * redirector to somebody else's page that looks like ours.
 */
export function safeNext(next: string | null, origin: string): string {
  const offSite = (path: string) => !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\');
  if (!next || offSite(next)) return '/';
  try {
    const url = new URL(next, origin);
    // Checked again once parsed: `/.//host` normalises to `//host`, which a browser reads as another site.
    if (url.origin !== origin || url.pathname === loginPath || offSite(url.pathname)) return '/';
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/';
  }
}

/** The sign-in page, told to come back to `here` (a path with its query) afterwards. */
export function loginHref(here: string): string {
  return `${loginPath}?${new URLSearchParams({ next: here.startsWith(loginPath) ? '/' : here })}`;
}
