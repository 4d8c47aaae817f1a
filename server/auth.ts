/**
 * Authentication and authorization of one request: who sent it (a bearer API key or the
 * session cookie), from where, and whether that principal may do what the route needs. Every
 * REST route declares what it needs in server/app.ts and both WebSockets check here, so no
 * entry point can forget.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { AccessControl } from '../lib/auth/access.ts';
import { can, type Permission, type Principal } from '../lib/auth/roles.ts';
import type { AuthConfig } from '../lib/config.ts';
import { PulseError } from '../lib/errors.ts';

/**
 * What a route needs: a permission, a signed-in person (`person`: their own password), nothing
 * (`public`: login, who-am-I), or the health rule (PULSE_HEALTH_ACCESS).
 */
export type Need = Permission | 'person' | 'public' | 'health';

export interface RequestContext {
  /** Null only on public routes, for a request without valid credentials. */
  principal: Principal | null;
  ip: string;
}

export const SessionCookie = 'pulse_session';
const CsrfHeader = 'x-csrf-token';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export class RequestAuth {
  constructor(
    readonly access: AccessControl,
    private readonly config: AuthConfig,
    /** Cookies get `Secure` when people reach the dashboard over https (PULSE_PUBLIC_URL). */
    private readonly secureCookies: boolean,
  ) {}

  /** The client's address: the socket's, or the first X-Forwarded-For hop behind a trusted proxy. */
  clientIp(req: IncomingMessage): string {
    if (this.config.trustProxy) {
      const forwarded = String(req.headers['x-forwarded-for'] ?? '').split(',')[0]!.trim();
      if (isIP(forwarded)) return forwarded;
    }
    return req.socket.remoteAddress ?? 'unknown';
  }

  principalOf(req: IncomingMessage): Promise<Principal | null> {
    const authorization = req.headers.authorization;
    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
    const sessionId = cookieValue(req.headers.cookie, SessionCookie);
    return this.access.authenticate({ ...(bearer !== undefined ? { bearer } : {}), ...(sessionId !== undefined ? { sessionId } : {}) });
  }

  /** The request's context, or UNAUTHENTICATED (401) / FORBIDDEN or CSRF_INVALID (403). */
  async authorize(req: IncomingMessage, need: Need): Promise<RequestContext> {
    const ip = this.clientIp(req);
    const principal = await this.principalOf(req);
    if (need === 'public') return { principal, ip };
    if (need === 'health') {
      if (this.config.healthAccess === 'open' || (this.config.healthAccess === 'local' && isLoopback(ip))) return { principal, ip };
      return this.authorize(req, 'read');
    }
    if (!principal) {
      throw new PulseError('UNAUTHENTICATED', 'sign in, or send an API key as "Authorization: Bearer pulse_…"');
    }
    if (need === 'person' ? principal.kind !== 'user' : !can(principal, need)) {
      throw new PulseError('FORBIDDEN', need === 'person' ? 'only a signed-in person can do this' : `this needs the ${need} permission (${neededBy(need)})`);
    }
    // A cookie is sent by the browser whoever made the page: a state change must prove it came from ours.
    if (principal.kind === 'user' && !safeMethods.has(req.method ?? 'GET')) {
      if (req.headers[CsrfHeader] !== this.access.csrfToken(principal.sessionId)) {
        throw new PulseError('CSRF_INVALID', `missing or wrong ${CsrfHeader} header (GET /api/auth/me gives the token)`);
      }
    }
    return { principal, ip };
  }

  setSessionCookie(res: ServerResponse, sessionId: string, expiresAt: string): void {
    const maxAge = Math.max(0, Math.floor((Date.parse(expiresAt) - Date.now()) / 1000));
    res.setHeader('set-cookie', `${SessionCookie}=${sessionId}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${this.secureCookies ? '; Secure' : ''}`);
  }

  clearSessionCookie(res: ServerResponse): void {
    res.setHeader('set-cookie', `${SessionCookie}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${this.secureCookies ? '; Secure' : ''}`);
  }
}

/** Whose quota a request counts against: its key or user, or its address when nobody is signed in. */
export function quotaKey(ctx: RequestContext): string {
  const p = ctx.principal;
  return p?.kind === 'key' ? `key:${p.id}` : p?.kind === 'user' ? `user:${p.id}` : `ip:${ctx.ip}`;
}

function neededBy(need: Permission): string {
  return {
    read: 'role viewer or above, or a key with scope read',
    ingest: 'a key with scope ingest',
    edit: 'role editor or admin',
    admin: 'role admin, or a key with scope admin',
  }[need];
}

export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined; // a malformed value is no session
    }
  }
  return undefined;
}
