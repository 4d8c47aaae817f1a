/**
 * Typed calls of `/api/auth` (README → Access control): who is signed in and whether the server
 * runs open, signing in (a session cookie the browser keeps, and the CSRF token changes must
 * carry) and signing out.
 */
import type { PublicUser, Role, Scope } from '../../lib/contracts/auth.ts';
import { rememberCsrfToken, requestJson } from './api.ts';

export type { PublicUser, Role, Scope };

/** `open`: no admin exists yet and the server checks nobody; `enforced`: every call needs a session or a key. */
export type AuthMode = 'open' | 'enforced';

/** Who the server sees, as `GET /api/auth/me` says it (lib/auth/roles.ts → Principal, without the session id). */
export type SessionPrincipal =
  | { kind: 'user'; id: string; email: string; role: Role }
  | { kind: 'key'; id: string; name: string; scopes: Scope[] }
  | { kind: 'open' };

export interface Me {
  mode: AuthMode;
  /** Null: enforced, and nobody signed in. */
  principal: SessionPrincipal | null;
  /** A signed-in user's; changes made with the cookie send it as `X-CSRF-Token`. */
  csrfToken?: string;
}

interface LoginAnswer {
  user: PublicUser;
  expiresAt: string;
  csrfToken: string;
}

export async function fetchMe(signal?: AbortSignal): Promise<Me> {
  const me = (await requestJson<Me>('/api/auth/me', { signal })).body;
  rememberCsrfToken(me.csrfToken ?? null);
  return me;
}

/** Signs in; 401 UNAUTHENTICATED for a wrong email or password, 429 RATE_LIMITED (with `retryAfter`) after too many tries. */
export async function signIn(email: string, password: string): Promise<Me> {
  const { user, csrfToken } = (await requestJson<LoginAnswer>('/api/auth/login', { method: 'POST', body: { email, password } })).body;
  rememberCsrfToken(csrfToken);
  return { mode: 'enforced', principal: { kind: 'user', id: user.id, email: user.email, role: user.role }, csrfToken };
}

export async function signOut(): Promise<void> {
  await requestJson<{ ok: true }>('/api/auth/logout', { method: 'POST' });
}
