/**
 * Identities and limits without a server: sessions that expire or are logged out, keys that are
 * revoked, roles and scopes, the last admin, token buckets and connection counts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localActor, type Actor, type Audit } from '../../lib/audit.ts';
import { AccessControl, type AccessOptions, type AccessStore } from '../../lib/auth/access.ts';
import { can, type Grantee, type Principal } from '../../lib/auth/roles.ts';
import { isPulseError, RetryLaterError } from '../../lib/errors.ts';
import { ConnectionLimiter, TokenBuckets } from '../../lib/limits.ts';
import type { KeyRecord, SessionRecord, UserRecord } from '../../lib/auth/records.ts';

/** The repositories AccessControl uses, in memory (latest version wins, as ReplacingMergeTree), and the audit records it writes. */
class MemoryStore implements AccessStore {
  readonly audited: Array<{ actor: Actor; action: string; target: { kind: string; id: string }; detail: Record<string, unknown> }> = [];
  readonly audit: Pick<Audit, 'record'> = {
    record: async (actor, action, target, detail = {}) => void this.audited.push({ actor, action, target, detail }),
  };
  readonly userRows = new Map<string, UserRecord>();
  readonly keyRows = new Map<string, KeyRecord>();
  readonly sessionRows = new Map<string, SessionRecord>();
  readonly users = {
    list: async () => [...this.userRows.values()],
    insert: async (u: UserRecord) => void this.userRows.set(u.id, u),
  };
  readonly keys = {
    list: async () => [...this.keyRows.values()],
    insert: async (k: KeyRecord) => void this.keyRows.set(k.id, k),
    noteUsed: async () => {},
  };
  readonly sessions = {
    insert: async (s: SessionRecord) => void this.sessionRows.set(s.idHash, s),
    get: async (idHash: string) => this.sessionRows.get(idHash),
  };
}

const options: AccessOptions = { pollMs: 60_000, sessionTtlMs: 300, sessionCacheMs: 0 };
const password = 'a long enough password';
/** Someone signing in from a browser: nobody yet, an address. */
const browser: Actor = { principal: null, ip: '192.0.2.1' };

describe('access control', () => {
  it('runs open until an admin exists, then needs credentials', async () => {
    const store = new MemoryStore();
    const access = await AccessControl.start(store, store.audit, options);
    assert.equal(access.enforced, false);
    assert.deepEqual(await access.authenticate({}), { kind: 'open' });
    await access.createUser(localActor, { email: 'Viewer@Example.com', password, role: 'viewer' });
    assert.equal(access.enforced, false, 'a viewer alone does not turn authentication on');
    await access.createUser(localActor, { email: 'admin@example.com', password, role: 'admin' });
    assert.equal(access.enforced, true);
    assert.equal(await access.authenticate({}), null);
    await access.stop();
  });

  it('is enforced from the start with a configured first admin, which it creates once', async () => {
    const store = new MemoryStore();
    const first = await AccessControl.start(store, store.audit, { ...options, bootstrapAdmin: { email: 'root@example.com', password } });
    const again = await AccessControl.start(store, store.audit, { ...options, bootstrapAdmin: { email: 'ROOT@example.com', password } });
    assert.equal(store.userRows.size, 1);
    assert.equal(again.enforced, true);
    await first.stop();
    await again.stop();
  });

  it('logs in with the right password only, and sessions end at expiry and at logout', async () => {
    const store = new MemoryStore();
    const access = await AccessControl.start(store, store.audit, options);
    await access.createUser(localActor, { email: 'admin@example.com', password, role: 'admin' });
    await assert.rejects(access.login(browser, 'admin@example.com', 'wrong password!!'), (e) => isPulseError(e, 'UNAUTHENTICATED'));
    await assert.rejects(access.login(browser, 'nobody@example.com', password), (e) => isPulseError(e, 'UNAUTHENTICATED'));
    const { sessionId } = await access.login(browser, 'ADMIN@example.com', password);
    const principal = await access.authenticate({ sessionId });
    assert.equal(principal?.kind, 'user');
    assert.ok(![...store.sessionRows.keys()].includes(sessionId), 'only the hash of a session id is stored');
    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.equal(await access.authenticate({ sessionId }), null, 'expired');
    const second = await access.login(browser, 'admin@example.com', password);
    await access.logout(second.sessionId);
    assert.equal(await access.authenticate({ sessionId: second.sessionId }), null, 'logged out');
    await access.stop();
  });

  it('a new password ends every session of the old one; a person changing their own gets a fresh one', async () => {
    const store = new MemoryStore();
    const access = await AccessControl.start(store, store.audit, { ...options, sessionTtlMs: 60_000 });
    const admin = await access.createUser(localActor, { email: 'admin@example.com', password, role: 'admin' });
    const first = await access.login(browser, 'admin@example.com', password);
    const second = await access.login(browser, 'admin@example.com', password);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const self: Actor = { principal: { kind: 'user', id: admin.id, email: admin.email }, ip: '192.0.2.1' };
    await assert.rejects(access.changeOwnPassword(self, 'not the password', 'another long password'), (e) => isPulseError(e, 'UNAUTHENTICATED'));
    const renewed = await access.changeOwnPassword(self, password, 'another long password');
    assert.equal(await access.authenticate({ sessionId: first.sessionId }), null);
    assert.equal(await access.authenticate({ sessionId: second.sessionId }), null);
    assert.equal((await access.authenticate({ sessionId: renewed.sessionId }))?.kind, 'user');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await access.updateUser(localActor, admin.id, { password: 'reset by an admin!' });
    assert.equal(await access.authenticate({ sessionId: renewed.sessionId }), null);
    await access.login(browser, 'admin@example.com', 'reset by an admin!');
    await access.stop();
  });

  it('refuses a disabled user at once, and will not disable or demote the last admin', async () => {
    const store = new MemoryStore();
    const access = await AccessControl.start(store, store.audit, { ...options, sessionTtlMs: 60_000 });
    const admin = await access.createUser(localActor, { email: 'admin@example.com', password, role: 'admin' });
    const editor = await access.createUser(localActor, { email: 'editor@example.com', password, role: 'editor' });
    const { sessionId } = await access.login(browser, 'editor@example.com', password);
    await access.updateUser(localActor, editor.id, { disabled: true });
    assert.equal(await access.authenticate({ sessionId }), null);
    await assert.rejects(access.updateUser(localActor, admin.id, { role: 'viewer' }), (e) => isPulseError(e, 'CONFLICT'));
    await assert.rejects(access.updateUser(localActor, admin.id, { disabled: true }), (e) => isPulseError(e, 'CONFLICT'));
    await assert.rejects(access.updateUser(localActor, admin.id, { password: 'short' }), (e) => isPulseError(e, 'BODY_INVALID'));
    await access.stop();
  });

  it('authenticates keys by their token, stores only a hash, and refuses revoked and forged ones', async () => {
    const store = new MemoryStore();
    const access = await AccessControl.start(store, store.audit, options);
    await access.createUser(localActor, { email: 'admin@example.com', password, role: 'admin' });
    const { key, token } = await access.createKey(localActor, { name: 'feeder', scopes: ['ingest'] });
    assert.ok(!JSON.stringify([...store.keyRows.values()]).includes(token.replace(/^pulse_[A-Za-z0-9]{12}_/, '')), 'the secret is not stored');
    const principal = (await access.authenticate({ bearer: token })) as Principal;
    assert.deepEqual(principal, { kind: 'key', id: key.id, name: 'feeder', scopes: ['ingest'] });
    assert.equal(await access.authenticate({ bearer: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` }), null);
    assert.equal(await access.authenticate({ bearer: 'pulse_nope' }), null);
    await access.revokeKey(localActor, key.id);
    assert.equal(await access.authenticate({ bearer: token }), null);
    await access.stop();
  });

  it('keeps what it wrote while a read of the store was under way: a new key and user work, a revoked key stays refused', async () => {
    const store = new MemoryStore();
    const access = await AccessControl.start(store, store.audit, options);
    await access.createUser(localActor, { email: 'admin@example.com', password, role: 'admin' });
    const old = await access.createKey(localActor, { name: 'old', scopes: ['read'] });
    // The periodic read, slow as on a busy store: it returns what the store held when it began.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const slow = <R>(list: () => Promise<R[]>) => async () => {
      const held = await list();
      await released;
      return held;
    };
    store.users.list = slow(store.users.list);
    store.keys.list = slow(store.keys.list);
    const reading = access.refresh();
    const created = await access.createKey(localActor, { name: 'new', scopes: ['read'] });
    await access.revokeKey(localActor, old.key.id);
    await access.createUser(localActor, { email: 'editor@example.com', password, role: 'editor' });
    release();
    await reading;
    assert.equal((await access.authenticate({ bearer: created.token }))?.kind, 'key', 'the key created meanwhile');
    assert.equal(await access.authenticate({ bearer: old.token }), null, 'the key revoked meanwhile');
    assert.ok((await access.login(browser, 'editor@example.com', password)).sessionId, 'the user created meanwhile');
    await access.stop();
  });

  it('records every change in the audit log with who did it: the first admin by the local process, logins, keys, users', async () => {
    const store = new MemoryStore();
    const access = await AccessControl.start(store, store.audit, { ...options, sessionTtlMs: 60_000, bootstrapAdmin: { email: 'root@example.com', password } });
    const [root] = access.listUsers();
    await assert.rejects(access.login(browser, 'Root@Example.com', 'wrong password!!'), (e) => isPulseError(e, 'UNAUTHENTICATED'));
    await access.login(browser, 'root@example.com', password);
    const self: Actor = { principal: { kind: 'user', id: root!.id, email: root!.email }, ip: '192.0.2.1' };
    await access.changeOwnPassword(self, password, 'another long password');
    const { key } = await access.createKey(self, { name: 'feeder', scopes: ['ingest'] });
    assert.equal(key.createdBy, 'root@example.com', 'a key names who created it');
    await access.revokeKey(self, key.id);
    const viewer = await access.createUser(self, { email: 'viewer@example.com', password, role: 'viewer' });
    await access.updateUser(self, viewer.id, { role: 'editor', disabled: false });
    assert.deepEqual(
      store.audited.map((e) => [e.action, e.actor.principal?.kind ?? 'nobody', e.actor.ip, e.target.id, e.detail]),
      [
        ['user.create', 'local', '', root!.id, { email: 'root@example.com', role: 'admin' }],
        ['login.failed', 'nobody', '192.0.2.1', '', { email: 'Root@Example.com' }],
        ['login', 'user', '192.0.2.1', root!.id, {}],
        ['user.password', 'user', '192.0.2.1', root!.id, {}],
        ['key.create', 'user', '192.0.2.1', key.id, { name: 'feeder', scopes: ['ingest'] }],
        ['key.revoke', 'user', '192.0.2.1', key.id, { name: 'feeder' }],
        ['user.create', 'user', '192.0.2.1', viewer.id, { email: 'viewer@example.com', role: 'viewer' }],
        ['user.update', 'user', '192.0.2.1', viewer.id, { email: 'viewer@example.com', role: { from: 'viewer', to: 'editor' } }],
      ],
    );
    await access.stop();
  });

  it('shows users and keys by the fields of their API types only, whatever else the store keeps', async () => {
    const store = new MemoryStore();
    const access = await AccessControl.start(store, store.audit, options);
    const user = await access.createUser(localActor, { email: 'admin@example.com', password, role: 'admin' });
    const { key } = await access.createKey(localActor, { name: 'feeder', scopes: ['read'] });
    // A field a later version of the store might add: it stays on the server.
    store.userRows.set(user.id, { ...store.userRows.get(user.id)!, loginCount: 3 } as UserRecord);
    store.keyRows.set(key.id, { ...store.keyRows.get(key.id)!, owner: 'x' } as KeyRecord);
    await access.refresh();
    assert.deepEqual(Object.keys(access.listUsers()[0]!).sort(), ['createdAt', 'disabled', 'email', 'id', 'role', 'updatedAt']);
    assert.deepEqual(Object.keys(access.listKeys()[0]!).sort(), ['createdAt', 'createdBy', 'id', 'name', 'prefix', 'scopes']);
    await access.stop();
  });

  it('maps roles and scopes to permissions', () => {
    const user = (role: 'viewer' | 'editor' | 'admin'): Grantee => ({ kind: 'user', role });
    const key = (...scopes: Array<'ingest' | 'read' | 'admin'>): Grantee => ({ kind: 'key', scopes });
    const table: Array<[Grantee, string]> = [
      [user('viewer'), 'read'],
      [user('editor'), 'read edit'],
      [user('admin'), 'read edit admin'],
      [key('ingest'), 'ingest'],
      [key('read'), 'read'],
      [key('read', 'ingest'), 'read ingest'],
      [key('admin'), 'read ingest edit admin'],
      [{ kind: 'open' }, 'read ingest edit admin'],
    ];
    for (const [p, allowed] of table) {
      for (const permission of ['read', 'ingest', 'edit', 'admin'] as const) {
        assert.equal(can(p, permission), allowed.split(' ').includes(permission), `${JSON.stringify(p)} ${permission}`);
      }
    }
  });
});

describe('limits', () => {
  it('token buckets: a burst, then the rate, with the wait in the refusal; keys do not share', () => {
    let now = 0;
    const buckets = new TokenBuckets({ ratePerSecond: 10, burst: 20, unit: 'messages' }, () => now);
    buckets.take('a', 20, 'a');
    assert.throws(() => buckets.take('a', 5, 'a'), (e) => e instanceof RetryLaterError && e.code === 'RATE_LIMITED' && e.retryAfterSeconds === 1);
    buckets.take('b', 20, 'b');
    now += 500;
    buckets.take('a', 5, 'a');
    // Larger than the burst: passes on a full bucket, then owes it.
    now += 10_000;
    buckets.take('a', 50, 'a');
    assert.throws(() => buckets.take('a', 1, 'a'), (e) => e instanceof RetryLaterError && e.retryAfterSeconds === 4);
  });

  it('connection limiter: per key, released once', () => {
    const limiter = new ConnectionLimiter(2);
    const r1 = limiter.acquire('k');
    limiter.acquire('k');
    assert.throws(() => limiter.acquire('k'), (e) => isPulseError(e, 'TOO_MANY_CONNECTIONS'));
    limiter.acquire('other');
    r1();
    r1();
    limiter.acquire('k');
    assert.throws(() => limiter.acquire('k'));
  });
});
