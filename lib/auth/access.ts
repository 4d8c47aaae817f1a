/**
 * Identities: dashboard users (password → session cookie) and API keys (bearer token), and
 * whether authentication is enforced at all.
 *
 * Enforced as soon as an admin user exists or a first admin is configured (PULSE_ADMIN_EMAIL /
 * PULSE_ADMIN_PASSWORD); until then the server runs open (every request may do everything), which
 * only a loopback bind allows (server/pulse.ts). Users and keys are re-read from the store every
 * `pollMs`, sessions are cached for `sessionCacheMs`: a revoked key, a disabled user or a logout
 * takes effect in every server process within a couple of seconds.
 *
 * Every change it makes is in the audit log, recorded here with the actor it is given: key
 * creation and revocation, user creation (the first admin's too, by the local process) and
 * changes, logins, failed logins and people's changes of their own password.
 */
import { randomUUID } from 'node:crypto';
import { localActor, type Actor, type Audit } from '../audit.ts';
import type { PublicKey, PublicUser } from '../contracts/auth.ts';
import { PulseError } from '../errors.ts';
import { log } from '../log.ts';
import type { KeyRepository } from '../store/keys.ts';
import type { SessionRepository } from '../store/sessions.ts';
import type { UserRepository } from '../store/users.ts';
import type { KeyRecord, SessionRecord, UserRecord } from './records.ts';
import { describePrincipal, Roles, Scopes, type Principal, type Role, type Scope } from './roles.ts';
import { checkPasswordStrength } from './password-policy.ts';
import { decoyHash, hashPassword, newKeyToken, newSessionId, parseKeyToken, secretMatches, sha256, verifyPassword } from './secrets.ts';

export interface AccessOptions {
  /** How often users and keys are re-read. */
  pollMs: number;
  /** How long a session lasts after login. */
  sessionTtlMs: number;
  /** How long a looked-up session is trusted before it is read again (bounds how late a logout applies elsewhere). */
  sessionCacheMs: number;
  /** The first admin, created at start when no user has this email. */
  bootstrapAdmin?: { email: string; password: string };
}

/** The repositories access control reads and writes (the store has them all). */
export interface AccessStore {
  users: Pick<UserRepository, 'list' | 'insert'>;
  keys: Pick<KeyRepository, 'list' | 'insert' | 'noteUsed'>;
  sessions: Pick<SessionRepository, 'insert' | 'get'>;
}

/** What an admin may change of a user. */
export interface UserChange {
  role?: Role;
  password?: string;
  disabled?: boolean;
}

/** Last use of a key is written at most this often. */
const usageFlushMs = 60_000;

export class AccessControl {
  private users: UserRecord[] = [];
  private keys = new Map<string, KeyRecord>();
  private readonly sessions = new Map<string, { session: SessionRecord | undefined; at: number }>();
  private readonly used = new Map<string, number>();
  private timers: NodeJS.Timeout[] = [];
  private reading: Promise<void> = Promise.resolve();

  private constructor(
    private readonly store: AccessStore,
    private readonly audit: Pick<Audit, 'record'>,
    private readonly options: AccessOptions,
  ) {}

  static async start(store: AccessStore, audit: Pick<Audit, 'record'>, options: AccessOptions): Promise<AccessControl> {
    const access = new AccessControl(store, audit, options);
    await access.refresh();
    const admin = options.bootstrapAdmin;
    if (admin && !access.userByEmail(admin.email)) {
      await access.createUser(localActor, { email: admin.email, password: admin.password, role: 'admin' });
      log.info({ email: admin.email }, 'first admin created from PULSE_ADMIN_EMAIL');
    }
    access.timers = [
      setInterval(() => {
        access.reading = access.refresh().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'reading users and keys failed'));
      }, options.pollMs),
      setInterval(() => void access.flushUsage(), usageFlushMs),
    ];
    for (const t of access.timers) t.unref();
    return access;
  }

  /** Whether requests must authenticate. */
  get enforced(): boolean {
    return this.options.bootstrapAdmin !== undefined || this.users.some((u) => u.role === 'admin' && !u.disabled);
  }

  async refresh(): Promise<void> {
    const [users, keys] = await Promise.all([this.store.users.list(), this.store.keys.list()]);
    // A user or key this process wrote while the read was under way is newer than what it returned:
    // taken as read, a new key would be refused and a revoked one accepted until the next read.
    this.users = [...newest(users, this.users).values()];
    this.keys = newest(keys, this.keys.values());
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.reading;
    await this.flushUsage();
  }

  /**
   * Who sent a request: a bearer key (`Authorization: Bearer pulse_…`) or a session cookie's
   * id; null when neither is valid. In open mode everybody is `open`.
   */
  async authenticate(credentials: { bearer?: string; sessionId?: string }): Promise<Principal | null> {
    if (!this.enforced) return { kind: 'open' };
    if (credentials.bearer !== undefined) return this.keyPrincipal(credentials.bearer);
    if (credentials.sessionId !== undefined) return this.sessionPrincipal(credentials.sessionId);
    return null;
  }

  private keyPrincipal(token: string): Principal | null {
    const parsed = parseKeyToken(token);
    const key = parsed && this.keys.get(parsed.id);
    if (!parsed || !key || key.revokedAt || !secretMatches(parsed.secret, key.secretHash)) return null;
    this.used.set(key.id, Date.now());
    return { kind: 'key', id: key.id, name: key.name, scopes: key.scopes };
  }

  private async sessionPrincipal(sessionId: string): Promise<Principal | null> {
    const idHash = sha256(sessionId);
    let cached = this.sessions.get(idHash);
    if (!cached || Date.now() - cached.at > this.options.sessionCacheMs) {
      cached = { session: await this.store.sessions.get(idHash), at: Date.now() };
      this.sessions.set(idHash, cached);
      this.pruneSessions();
    }
    const s = cached.session;
    if (!s || s.revokedAt || Date.parse(s.expiresAt) <= Date.now()) return null;
    const user = this.users.find((u) => u.id === s.userId);
    if (!user || user.disabled || Date.parse(s.createdAt) < Date.parse(user.sessionsSince)) return null;
    return { kind: 'user', id: user.id, email: user.email, role: user.role, sessionId, sessionExpiresAt: s.expiresAt };
  }

  private pruneSessions(): void {
    const stale = Date.now() - this.options.sessionCacheMs;
    for (const [k, v] of this.sessions) if (v.at < stale) this.sessions.delete(k);
  }

  /** The CSRF token of a session: state-changing requests made with its cookie must send it (X-CSRF-Token). */
  csrfToken(sessionId: string): string {
    return sha256(`csrf:${sessionId}`);
  }

  /**
   * Checks a password; a new session on success. UNAUTHENTICATED says nothing about which part
   * was wrong. `from`: who asks (whoever the request's credentials say, often nobody) and from where.
   */
  async login(from: Actor, email: string, password: string): Promise<{ sessionId: string; user: PublicUser; expiresAt: string }> {
    const user = this.userByEmail(email);
    // An unknown email costs the same argon2 time as a wrong password.
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash()), password);
    if (!user || !ok || user.disabled) {
      await this.audit.record(from, 'login.failed', { kind: 'user', id: '' }, { email });
      throw new PulseError('UNAUTHENTICATED', 'wrong email or password');
    }
    const session = await this.newSession(user);
    await this.audit.record({ principal: { kind: 'user', id: user.id, email: user.email }, ip: from.ip }, 'login', { kind: 'user', id: user.id });
    return session;
  }

  private async newSession(user: UserRecord): Promise<{ sessionId: string; user: PublicUser; expiresAt: string }> {
    const { id, idHash } = newSessionId();
    const now = Date.now();
    const session: SessionRecord = {
      idHash, userId: user.id, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + this.options.sessionTtlMs).toISOString(),
    };
    await this.store.sessions.insert(session);
    return { sessionId: id, user: publicUser(user), expiresAt: session.expiresAt };
  }

  async logout(sessionId: string): Promise<void> {
    const idHash = sha256(sessionId);
    const session = await this.store.sessions.get(idHash);
    if (!session || session.revokedAt) return;
    await this.store.sessions.insert({ ...session, revokedAt: new Date().toISOString() });
    this.sessions.delete(idHash);
  }

  listUsers(): PublicUser[] {
    return this.users.map(publicUser);
  }

  async createUser(by: Actor, input: { email: string; password: string; role: Role }): Promise<PublicUser> {
    const email = normalizeEmail(input.email);
    if (!Roles.includes(input.role)) throw new PulseError('BODY_INVALID', `role must be one of ${Roles.join(', ')}`);
    if (this.userByEmail(email)) throw new PulseError('CONFLICT', `a user with email ${email} exists`);
    const now = new Date().toISOString();
    const user: UserRecord = {
      id: randomUUID(), version: 1, email, role: input.role, passwordHash: await hashPassword(input.password), sessionsSince: now, disabled: false,
      createdAt: now, updatedAt: now,
    };
    await this.store.users.insert(user);
    this.users = [...this.users, user];
    await this.audit.record(by, 'user.create', { kind: 'user', id: user.id }, { email: user.email, role: user.role });
    return publicUser(user);
  }

  /** Changes a user's role, password or disabled flag; the last enabled admin cannot lose either. */
  async updateUser(by: Actor, id: string, change: UserChange): Promise<PublicUser> {
    const current = this.users.find((u) => u.id === id);
    if (!current) throw new PulseError('NOT_FOUND', `no user ${JSON.stringify(id)}`);
    const next = await this.writeUser(current, change);
    await this.audit.record(by, 'user.update', { kind: 'user', id }, userChangeDetail(current, next, change));
    return publicUser(next);
  }

  /** Stores a user's next version (unaudited: the callers record what they did). */
  private async writeUser(current: UserRecord, change: UserChange): Promise<UserRecord> {
    const id = current.id;
    if (change.password !== undefined) checkPasswordStrength(change.password);
    const now = new Date().toISOString();
    const next: UserRecord = {
      ...current,
      version: current.version + 1,
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
      // A new password ends every session opened with the old one.
      ...(change.password !== undefined ? { passwordHash: await hashPassword(change.password), sessionsSince: now } : {}),
      updatedAt: now,
    };
    const admins = this.users.filter((u) => u.role === 'admin' && !u.disabled && u.id !== id);
    if (current.role === 'admin' && !current.disabled && (next.role !== 'admin' || next.disabled) && !admins.length) {
      throw new PulseError('CONFLICT', 'this is the last enabled admin: make another admin first');
    }
    await this.store.users.insert(next);
    this.users = this.users.map((u) => (u.id === id ? next : u));
    return next;
  }

  /**
   * A signed-in user's own new password, given the current one: every session ends, the
   * caller's included, and the caller gets a fresh one. `by` must be that signed-in person.
   */
  async changeOwnPassword(by: Actor, current: string, password: string): Promise<{ sessionId: string; user: PublicUser; expiresAt: string }> {
    const person = by.principal;
    if (person?.kind !== 'user') throw new PulseError('FORBIDDEN', 'only a signed-in person has a password to change');
    const user = this.users.find((u) => u.id === person.id);
    if (!user || !(await verifyPassword(user.passwordHash, current))) throw new PulseError('UNAUTHENTICATED', 'the current password is wrong');
    const session = await this.newSession(await this.writeUser(user, { password }));
    await this.audit.record(by, 'user.password', { kind: 'user', id: user.id });
    return session;
  }

  listKeys(): PublicKey[] {
    return [...this.keys.values()].map(publicKey);
  }

  /** A new key, created by `by` (its name is kept with the key); its token is in the answer and nowhere else, ever. */
  async createKey(by: Actor, input: { name: string; scopes: readonly Scope[] }): Promise<{ key: PublicKey; token: string }> {
    const scopes = [...new Set(input.scopes)];
    if (!scopes.length || scopes.some((s) => !Scopes.includes(s))) throw new PulseError('BODY_INVALID', `scopes: one or more of ${Scopes.join(', ')}`);
    const { id, token, secretHash } = newKeyToken();
    const createdBy = by.principal ? describePrincipal(by.principal).name : 'anonymous';
    const key: KeyRecord = { id, version: 1, name: input.name, secretHash, scopes, createdBy, createdAt: new Date().toISOString() };
    await this.store.keys.insert(key);
    this.keys.set(id, key);
    await this.audit.record(by, 'key.create', { kind: 'key', id }, { name: key.name, scopes: key.scopes });
    return { key: publicKey(key), token };
  }

  /** Revokes a key; revoking a revoked key answers it as it is (and is still recorded). */
  async revokeKey(by: Actor, id: string): Promise<PublicKey> {
    const current = this.keys.get(id);
    if (!current) throw new PulseError('NOT_FOUND', `no key ${JSON.stringify(id)}`);
    let key = current;
    if (!current.revokedAt) {
      key = { ...current, version: current.version + 1, revokedAt: new Date().toISOString() };
      await this.store.keys.insert(key);
      this.keys.set(id, key);
    }
    await this.audit.record(by, 'key.revoke', { kind: 'key', id }, { name: key.name });
    return publicKey(key);
  }

  private userByEmail(email: string): UserRecord | undefined {
    const wanted = normalizeEmail(email);
    return this.users.find((u) => u.email === wanted);
  }

  private async flushUsage(): Promise<void> {
    if (!this.used.size) return;
    const batch = new Map(this.used);
    this.used.clear();
    await this.store.keys.noteUsed(batch).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'recording key use failed'));
  }
}

function normalizeEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(e) || e.length > 254) throw new PulseError('BODY_INVALID', 'not an email address');
  return e;
}

/** The audit detail of an admin's change: the email, and each field the change actually changed (never the password). */
function userChangeDetail(before: UserRecord, after: UserRecord, change: UserChange): Record<string, unknown> {
  const detail: Record<string, unknown> = { email: after.email };
  if (change.role !== undefined && change.role !== before.role) detail.role = { from: before.role, to: change.role };
  if (change.disabled !== undefined && change.disabled !== before.disabled) detail.disabled = change.disabled;
  if (change.password !== undefined) detail.password = 'changed';
  return detail;
}

// Field by field, not the record less its secrets: a field added to the record stays on the server.

function publicUser(u: UserRecord): PublicUser {
  return { id: u.id, email: u.email, role: u.role, disabled: u.disabled, createdAt: u.createdAt, updatedAt: u.updatedAt };
}

function publicKey(k: KeyRecord): PublicKey {
  return {
    id: k.id, name: k.name, scopes: k.scopes, createdBy: k.createdBy, createdAt: k.createdAt,
    ...(k.revokedAt !== undefined ? { revokedAt: k.revokedAt } : {}),
    ...(k.lastUsedAt !== undefined ? { lastUsedAt: k.lastUsedAt } : {}),
    prefix: `pulse_${k.id}_…`,
  };
}

/** Each id's highest version among the records just read and those held (the read's on a tie), in the read's order. */
function newest<R extends { id: string; version: number }>(read: readonly R[], held: Iterable<R>): Map<string, R> {
  const byId = new Map(read.map((record) => [record.id, record]));
  for (const record of held) {
    const stored = byId.get(record.id);
    if (!stored || record.version > stored.version) byId.set(record.id, record);
  }
  return byId;
}
