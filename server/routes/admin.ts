/** Admin routes: API keys (the token is shown once, at creation), users, and the audit log. */
import { z } from 'zod';
import type { AccessControl } from '../../lib/auth/access.ts';
import { Roles, Scopes } from '../../lib/auth/roles.ts';
import { PulseError } from '../../lib/errors.ts';
import type { AuditRepository } from '../../lib/store/index.ts';
import type { Call } from '../route.ts';
import { parseQuery, readJson, sendJson, TimeParam } from '../respond.ts';

const NewKey = z.object({ name: z.string().trim().min(1).max(100), scopes: z.array(z.enum(Scopes)).min(1).max(Scopes.length) }).strict();
const NewUser = z.object({ email: z.string().min(3).max(254), password: z.string().min(1).max(256), role: z.enum(Roles) }).strict();
const UserChange = z.object({ role: z.enum(Roles).optional(), password: z.string().min(1).max(256).optional(), disabled: z.boolean().optional() }).strict();
const AuditQuery = z.object({
  action: z.string().min(1).max(64).optional(),
  targetKind: z.string().min(1).max(32).optional(),
  targetId: z.string().min(1).max(128).optional(),
  actorId: z.string().min(1).max(128).optional(),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(512).optional(),
});

function body<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PulseError('BODY_INVALID', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return parsed.data;
}

/**
 * What is recorded of each change is AccessControl's (lib/auth/access.ts). `reads` (the store) is
 * looked into per request: the route table can be listed without one (the role tests do).
 */
export function adminRoutes(access: AccessControl, reads: { audit: Pick<AuditRepository, 'list'> }) {
  return {
    listKeys: async ({ res }: Call) => sendJson(res, 200, { keys: access.listKeys() }),
    createKey: async ({ req, res, ctx }: Call) => {
      const { key, token } = await access.createKey(ctx, body(NewKey, await readJson(req, 4096)));
      sendJson(res, 201, { key, token, note: 'the token is shown this once: store it now' });
    },
    revokeKey: async ({ res, ctx, param }: Call) => sendJson(res, 200, { key: await access.revokeKey(ctx, param) }),
    listUsers: async ({ res }: Call) => sendJson(res, 200, { users: access.listUsers() }),
    createUser: async ({ req, res, ctx }: Call) => {
      const user = await access.createUser(ctx, body(NewUser, await readJson(req, 4096)));
      // The first admin ends open mode: the dashboard then has to sign in.
      sendJson(res, 201, { user, mode: access.enforced ? 'enforced' : 'open' });
    },
    updateUser: async ({ req, res, ctx, param }: Call) => {
      sendJson(res, 200, { user: await access.updateUser(ctx, param, body(UserChange, await readJson(req, 4096))) });
    },
    audit: async ({ res, url }: Call) => sendJson(res, 200, await reads.audit.list(parseQuery(AuditQuery, url.searchParams))),
  };
}
