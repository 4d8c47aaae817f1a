/** Admin routes: API keys (the token is shown once, at creation), users, and the audit log. */
import { z } from 'zod';
import type { AccessControl } from '../../lib/auth/access.ts';
import { describePrincipal, Roles, Scopes } from '../../lib/auth/roles.ts';
import type { Audit } from '../../lib/audit.ts';
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

export function adminRoutes(access: AccessControl, auditLog: Pick<AuditRepository, 'list'>, audit: Audit) {
  return {
    listKeys: async ({ res }: Call) => sendJson(res, 200, { keys: access.listKeys() }),
    createKey: async ({ req, res, ctx }: Call) => {
      const input = body(NewKey, await readJson(req, 4096));
      const createdBy = ctx.principal ? describePrincipal(ctx.principal).name : 'anonymous';
      const { key, token } = await access.createKey({ ...input, createdBy });
      await audit.record(ctx, 'key.create', { kind: 'key', id: key.id }, { name: key.name, scopes: key.scopes });
      sendJson(res, 201, { key, token, note: 'the token is shown this once: store it now' });
    },
    revokeKey: async ({ res, ctx, param }: Call) => {
      const key = await access.revokeKey(param);
      await audit.record(ctx, 'key.revoke', { kind: 'key', id: key.id }, { name: key.name });
      sendJson(res, 200, { key });
    },
    listUsers: async ({ res }: Call) => sendJson(res, 200, { users: access.listUsers() }),
    createUser: async ({ req, res, ctx }: Call) => {
      const user = await access.createUser(body(NewUser, await readJson(req, 4096)));
      await audit.record(ctx, 'user.create', { kind: 'user', id: user.id }, { email: user.email, role: user.role });
      // The first admin ends open mode: the dashboard then has to sign in.
      sendJson(res, 201, { user, mode: access.enforced ? 'enforced' : 'open' });
    },
    updateUser: async ({ req, res, ctx, param }: Call) => {
      const change = body(UserChange, await readJson(req, 4096));
      const before = access.userById(param);
      const user = await access.updateUser(param, change);
      const detail: Record<string, unknown> = { email: user.email };
      if (change.role !== undefined && change.role !== before?.role) detail.role = { from: before?.role, to: change.role };
      if (change.disabled !== undefined && change.disabled !== before?.disabled) detail.disabled = change.disabled;
      if (change.password !== undefined) detail.password = 'changed';
      await audit.record(ctx, 'user.update', { kind: 'user', id: user.id }, detail);
      sendJson(res, 200, { user });
    },
    audit: async ({ res, url }: Call) => sendJson(res, 200, await auditLog.list(parseQuery(AuditQuery, url.searchParams))),
  };
}
