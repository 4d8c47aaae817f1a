/**
 * `/api/auth`: password login (a session cookie, httpOnly and SameSite=Strict, plus the CSRF
 * token the dashboard sends with every change), logout, and who the caller is — including
 * whether the server runs open, which the dashboard shows as a banner. Logins, failed logins and
 * password changes are recorded by AccessControl (lib/auth/access.ts).
 */
import { z } from 'zod';
import { PulseError } from '../../lib/errors.ts';
import type { TokenBuckets } from '../../lib/limits.ts';
import type { Call } from '../route.ts';
import { cookieValue, SessionCookie, type RequestAuth } from '../auth.ts';
import { readJson, sendJson } from '../respond.ts';

const Login = z.object({ email: z.string().min(3).max(254), password: z.string().min(1).max(256) }).strict();
const PasswordChange = z.object({ current: z.string().min(1).max(256), password: z.string().min(1).max(256) }).strict();

export function authRoutes(auth: RequestAuth, attempts: TokenBuckets) {
  return {
    login: async ({ req, res, ctx }: Call) => {
      // Guessing passwords costs the guesser: a few attempts a minute per address.
      attempts.take(`ip:${ctx.ip}`, 1, 'login attempts from this address');
      const parsed = Login.safeParse(await readJson(req, 4096));
      if (!parsed.success) throw new PulseError('BODY_INVALID', 'send {"email", "password"}');
      const { sessionId, user, expiresAt } = await auth.access.login(ctx, parsed.data.email, parsed.data.password);
      auth.setSessionCookie(res, sessionId, expiresAt);
      sendJson(res, 200, { user, expiresAt, csrfToken: auth.access.csrfToken(sessionId) });
    },
    logout: async ({ req, res }: Call) => {
      const sessionId = cookieValue(req.headers.cookie, SessionCookie);
      if (sessionId) await auth.access.logout(sessionId);
      auth.clearSessionCookie(res);
      sendJson(res, 200, { ok: true });
    },
    /** A signed-in person's own password; every session of the old one ends, this one is renewed. */
    password: async ({ req, res, ctx }: Call) => {
      attempts.take(`ip:${ctx.ip}`, 1, 'password attempts from this address');
      const parsed = PasswordChange.safeParse(await readJson(req, 4096));
      if (!parsed.success) throw new PulseError('BODY_INVALID', 'send {"current", "password"}');
      const { sessionId, user, expiresAt } = await auth.access.changeOwnPassword(ctx, parsed.data.current, parsed.data.password);
      auth.setSessionCookie(res, sessionId, expiresAt);
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
