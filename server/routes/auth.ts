/**
 * `/api/auth`: password login (a session cookie, httpOnly and SameSite=Strict, plus the CSRF
 * token the dashboard sends with every change), logout, and who the caller is — including
 * whether the server runs open, which the dashboard shows as a banner.
 */
import { z } from 'zod';
import type { Audit } from '../../lib/audit.ts';
import { PulseError, isPulseError } from '../../lib/errors.ts';
import type { TokenBuckets } from '../../lib/limits.ts';
import type { Call } from '../route.ts';
import { cookieValue, SessionCookie, type RequestAuth } from '../auth.ts';
import { readJson, sendJson } from '../respond.ts';

const Login = z.object({ email: z.string().min(3).max(254), password: z.string().min(1).max(256) }).strict();
const PasswordChange = z.object({ current: z.string().min(1).max(256), password: z.string().min(1).max(256) }).strict();

export function authRoutes(auth: RequestAuth, audit: Audit, attempts: TokenBuckets) {
  return {
    login: async ({ req, res, ctx }: Call) => {
      // Guessing passwords costs the guesser: a few attempts a minute per address.
      attempts.take(`ip:${ctx.ip}`, 1, 'login attempts from this address');
      const parsed = Login.safeParse(await readJson(req, 4096));
      if (!parsed.success) throw new PulseError('BODY_INVALID', 'send {"email", "password"}');
      try {
        const { sessionId, user, expiresAt } = await auth.access.login(parsed.data.email, parsed.data.password);
        auth.setSessionCookie(res, sessionId, expiresAt);
        await audit.record({ principal: { kind: 'user', id: user.id, email: user.email }, ip: ctx.ip }, 'login', { kind: 'user', id: user.id });
        sendJson(res, 200, { user, expiresAt, csrfToken: auth.access.csrfToken(sessionId) });
      } catch (err) {
        if (isPulseError(err, 'UNAUTHENTICATED')) {
          await audit.record(ctx, 'login.failed', { kind: 'user', id: '' }, { email: parsed.data.email });
        }
        throw err;
      }
    },
    logout: async ({ req, res }: Call) => {
      const sessionId = cookieValue(req.headers.cookie, SessionCookie);
      if (sessionId) await auth.access.logout(sessionId);
      auth.clearSessionCookie(res);
      sendJson(res, 200, { ok: true });
    },
    /** A signed-in person's own password; every session of the old one ends, this one is renewed. */
    password: async ({ req, res, ctx }: Call) => {
      const p = ctx.principal;
      if (p?.kind !== 'user') throw new PulseError('FORBIDDEN', 'only a signed-in person has a password to change'); // the route's `person` need
      attempts.take(`ip:${ctx.ip}`, 1, 'password attempts from this address');
      const parsed = PasswordChange.safeParse(await readJson(req, 4096));
      if (!parsed.success) throw new PulseError('BODY_INVALID', 'send {"current", "password"}');
      const { sessionId, user, expiresAt } = await auth.access.changeOwnPassword(p.id, parsed.data.current, parsed.data.password);
      auth.setSessionCookie(res, sessionId, expiresAt);
      await audit.record(ctx, 'user.password', { kind: 'user', id: p.id });
      sendJson(res, 200, { user, expiresAt, csrfToken: auth.access.csrfToken(sessionId) });
    },
    me: async ({ res, ctx }: Call) => {
      const p = ctx.principal;
      const mode = auth.access.enforced ? 'enforced' : 'open';
      if (!p) return sendJson(res, 200, { mode, principal: null });
      if (p.kind === 'user') {
        return sendJson(res, 200, {
          mode, principal: { kind: 'user', id: p.id, email: p.email, role: p.role }, csrfToken: auth.access.csrfToken(p.sessionId), expiresAt: p.sessionExpiresAt,
        });
      }
      sendJson(res, 200, { mode, principal: p.kind === 'key' ? { kind: 'key', id: p.id, name: p.name, scopes: p.scopes } : { kind: 'open' } });
    },
  };
}
