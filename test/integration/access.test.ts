/**
 * Access control and abuse protection on a running server with authentication enforced (first
 * admin from the environment): every route × every kind of principal, both WebSockets, CSRF,
 * key revocation taking effect within seconds, the audit log, channel changes reserved to
 * admins, ingest rate limits (a flood on one key does not stall another), connection limits
 * and oversized or malformed input on every entry point.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { Audit } from '../../lib/audit.ts';
import { AccessControl } from '../../lib/auth/access.ts';
import { can, type Grantee, type Permission } from '../../lib/auth/roles.ts';
import { loadConfig } from '../../lib/config.ts';
import { routeTable, type AppDeps } from '../../server/app.ts';
import { startPulse, type Pulse } from '../../server/pulse.ts';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const adminEmail = 'admin@example.com';
const password = 'correct horse battery staple';

/** How a test client presents itself. */
interface Client {
  name: string;
  /** The principal the server should see (for the expected answer). */
  as: Grantee | null;
  headers: Record<string, string>;
}

describe('access control (authentication enforced)', { timeout: 120_000 }, () => {
  let pulse: Pulse;
  let dataDir: string;
  const clients: Record<string, Client> = {};

  const call = async (client: Client | null, method: string, pathname: string, body?: unknown, extra: Record<string, string> = {}) => {
    const res = await fetch(`${pulse.url}${pathname}`, {
      method,
      headers: { 'content-type': 'application/json', ...(client?.headers ?? {}), ...extra },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: Body = {};
    try {
      json = JSON.parse(text) as Body;
    } catch {
      // /metrics answers text
    }
    return { status: res.status, headers: res.headers, body: json };
  };

  async function login(email: string): Promise<Client['headers']> {
    const res = await fetch(`${pulse.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    assert.equal(res.status, 200, await res.clone().text());
    const cookie = res.headers.get('set-cookie')!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    return { cookie: cookie.split(';')[0]!, 'x-csrf-token': csrfToken };
  }

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-access-'));
    pulse = await startPulse(
      loadConfig({
        ...process.env, PORT: '0', PULSE_UI: '0', PULSE_DEMO: '0', PULSE_DATA_DIR: dataDir, PULSE_MODEL_THREADS: '1', PULSE_ALL_STREAM_ALERTS: 'off',
        PULSE_ADMIN_EMAIL: adminEmail, PULSE_ADMIN_PASSWORD: password, PULSE_AUTH_POLL_MS: '300', PULSE_TRUST_PROXY: '1',
        PULSE_INGEST_RATE_PER_KEY: '200', PULSE_INGEST_BURST: '400', PULSE_INGEST_RATE_PER_IP: '100000', PULSE_WS_CONNECTIONS_PER_KEY: '2',
      }),
    );
    const admin = await login(adminEmail);
    const adminClient: Client = { name: 'admin', as: { kind: 'user', role: 'admin' }, headers: admin };
    for (const role of ['viewer', 'editor'] as const) {
      const created = await call(adminClient, 'POST', '/api/users', { email: `${role}@example.com`, password, role });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      clients[role] = { name: role, as: { kind: 'user', role }, headers: await login(`${role}@example.com`) };
    }
    clients.admin = adminClient;
    for (const scope of ['read', 'ingest', 'admin'] as const) {
      const created = await call(adminClient, 'POST', '/api/keys', { name: `${scope} key`, scopes: [scope] });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      clients[`key:${scope}`] = { name: `key:${scope}`, as: { kind: 'key', scopes: [scope] }, headers: { authorization: `Bearer ${created.body.token}` } };
    }
    clients.anonymous = { name: 'anonymous', as: null, headers: {} };
  });

  after(async () => {
    await pulse?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('every route answers every principal as its permission says', async () => {
    const routes = routeTable({ auth: { access: {} }, limits: {} } as unknown as AppDeps);
    const expected = (client: Client, need: string): 'allowed' | 401 | 403 => {
      if (need === 'public' || need === 'health') return 'allowed'; // health is open to loopback clients by default
      if (!client.as) return 401;
      if (need === 'person') return client.as.kind === 'user' ? 'allowed' : 403;
      return can(client.as, need as Permission) ? 'allowed' : 403;
    };
    let checked = 0;
    for (const route of routes) {
      // Public routes change the caller's own session (logout, login): asked anonymously only.
      const who = route.need === 'public' ? [clients.anonymous!] : Object.values(clients);
      for (const client of who) {
        const pathname = route.path.replace(':id', 'nope');
        const body = ['POST', 'PUT'].includes(route.method) ? (route.path === '/api/ingest' ? [] : {}) : undefined;
        const { status, body: answer } = await call(client, route.method, pathname, body);
        const want = expected(client, route.need);
        if (want === 'allowed') assert.ok(status !== 401 && status !== 403, `${client.name} ${route.method} ${route.path}: ${status} ${JSON.stringify(answer)}`);
        else {
          assert.equal(status, want, `${client.name} ${route.method} ${route.path}: ${JSON.stringify(answer)}`);
          assert.equal(answer.error.code, want === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN');
        }
        checked++;
      }
    }
    console.log(`# ${checked} route × principal pairs checked over ${routes.length} routes`);
  });

  it('a session cookie without its CSRF token cannot change anything; the token is per session', async () => {
    const { cookie } = clients.editor!.headers;
    const bare = await call(null, 'POST', '/api/streams', { name: 'x', query: 'x' }, { cookie: cookie! });
    assert.equal(bare.status, 403);
    assert.equal(bare.body.error.code, 'CSRF_INVALID');
    const wrong = await call(null, 'POST', '/api/streams', { name: 'x', query: 'x' }, { cookie: cookie!, 'x-csrf-token': clients.admin!.headers['x-csrf-token']! });
    assert.equal(wrong.body.error.code, 'CSRF_INVALID');
    assert.equal((await call(null, 'GET', '/api/streams', undefined, { cookie: cookie! })).status, 200);
  });

  it('WebSockets check the permission and the connections per key', async () => {
    const url = pulse.url.replace('http', 'ws');
    const open = (pathname: string, headers: Record<string, string>) =>
      new Promise<{ status: number; ws?: WebSocket }>((resolve) => {
        const ws = new WebSocket(`${url}${pathname}`, { headers });
        ws.once('open', () => resolve({ status: 101, ws }));
        ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
        ws.once('error', () => undefined);
      });
    assert.equal((await open('/ws', {})).status, 401);
    assert.equal((await open('/ws/ingest', clients['key:read']!.headers)).status, 403);
    assert.equal((await open('/ws', clients['key:ingest']!.headers)).status, 403);
    assert.equal((await open('/ws', { ...clients.viewer!.headers, origin: 'https://evil.example' })).status, 403);
    const a = await open('/ws', clients['key:read']!.headers);
    const b = await open('/ws', clients['key:read']!.headers);
    assert.equal(a.status, 101);
    assert.equal(b.status, 101);
    assert.equal((await open('/ws', clients['key:read']!.headers)).status, 429, 'a third connection of the same key');
    a.ws!.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const c = await open('/ws', clients['key:read']!.headers);
    assert.equal(c.status, 101, 'a closed connection frees its place');
    b.ws!.close();
    c.ws!.close();

    const ingest = await open('/ws/ingest', clients['key:ingest']!.headers);
    assert.equal(ingest.status, 101);
    const reply = new Promise<Body>((resolve) => ingest.ws!.once('message', (d) => resolve(JSON.parse(d.toString()) as Body)));
    ingest.ws!.send(JSON.stringify({ source: 'ws', text: 'hello over the socket' }));
    assert.equal((await reply).type, 'ack');
    const closed = new Promise<number>((resolve) => ingest.ws!.once('close', (code) => resolve(code)));
    ingest.ws!.send('x'.repeat(5 * 1024 * 1024 + 1));
    assert.equal(await closed, 1009, 'an oversized frame closes the socket with "message too big"');
  });

  it('a flood on one key is limited (429 + Retry-After) without stalling another key', async () => {
    const floodKey = await call(clients.admin!, 'POST', '/api/keys', { name: 'flood', scopes: ['ingest'] });
    const flood = { authorization: `Bearer ${floodKey.body.token}`, 'x-forwarded-for': '203.0.113.7' };
    const calm = { ...clients['key:ingest']!.headers, 'x-forwarded-for': '198.51.100.9' };
    const batch = Array.from({ length: 100 }, (_, i) => ({ source: 'flood', text: `flood message ${i}` }));
    let limited: { status: number; headers: Headers; body: Body } | undefined;
    const calmLatencies: number[] = [];
    for (let i = 0; i < 30 && !limited; i++) {
      const res = await call(null, 'POST', '/api/ingest', batch, flood);
      if (res.status === 429) limited = res;
      else assert.equal(res.status, 202);
      const started = Date.now();
      const calmRes = await call(null, 'POST', '/api/ingest', [{ source: 'calm', text: `calm message ${i}` }], calm);
      calmLatencies.push(Date.now() - started);
      assert.equal(calmRes.status, 202, 'the other key is not limited');
    }
    assert.ok(limited, 'the flooding key was limited');
    assert.equal(limited.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    console.log(`# calm key during the flood: max ${Math.max(...calmLatencies)} ms per request`);
  });

  it('a revoked key stops working within seconds, in this process and from the store', async () => {
    const created = await call(clients.admin!, 'POST', '/api/keys', { name: 'short-lived', scopes: ['read'] });
    const key = { authorization: `Bearer ${created.body.token}` };
    assert.equal((await call(null, 'GET', '/api/streams', undefined, key)).status, 200);
    // Another server process on the same store learns of it from its next read of the keys.
    const elsewhere = await AccessControl.start(pulse.store, new Audit(pulse.store.audit), { pollMs: 300, sessionTtlMs: 60_000, sessionCacheMs: 2_000 });
    assert.equal((await elsewhere.authenticate({ bearer: created.body.token }))?.kind, 'key');
    const revokedAt = Date.now();
    assert.equal((await call(clients.admin!, 'DELETE', `/api/keys/${created.body.key.id}`)).status, 200);
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 5_000) status = (await call(null, 'GET', '/api/streams', undefined, key)).status;
    assert.equal(status, 401);
    console.log(`# revoked key refused after ${Date.now() - revokedAt} ms by the server that revoked it`);
    while ((await elsewhere.authenticate({ bearer: created.body.token })) !== null) {
      assert.ok(Date.now() - revokedAt < 3_000, 'another process refuses it within 3 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.log(`# revoked key refused after ${Date.now() - revokedAt} ms by another process (users and keys re-read every 300 ms)`);
    await elsewhere.stop();
    const keys = await call(clients.admin!, 'GET', '/api/keys');
    const listed = keys.body.keys.find((k: Body) => k.id === created.body.key.id);
    assert.ok(listed.revokedAt);
    assert.ok(!JSON.stringify(keys.body).includes(created.body.token.replace(/^pulse_[A-Za-z0-9]{12}_/, '')), 'no token in the listing');
  });

  it('editors change streams and rules but not channels; every change is in the audit log with who and where', async () => {
    const editor = clients.editor!;
    const created = await call(editor, 'POST', '/api/streams', { name: 'Audited', query: 'acme' }, { 'x-forwarded-for': '192.0.2.44' });
    assert.equal(created.status, 201);
    const id = created.body.stream.id as string;
    const hook = { kind: 'webhook', url: 'https://hooks.example.com/x', secret: 'sixteen-chars-secret' };
    const refused = await call(editor, 'PUT', `/api/streams/${id}`, { name: 'Audited', query: 'acme', channels: [hook] });
    assert.equal(refused.status, 403);
    assert.match(refused.body.error.message, /channels/);
    assert.equal((await call(editor, 'PUT', `/api/streams/${id}`, { name: 'Audited', query: 'acme OR widget', rule: { sensitivity: 'high' } })).status, 200);
    assert.equal((await call(clients.admin!, 'PUT', `/api/streams/${id}`, { name: 'Audited', query: 'acme OR widget', rule: { sensitivity: 'high' }, channels: [hook] })).status, 200);
    const log = await call(clients.admin!, 'GET', `/api/audit?targetId=${id}`);
    const entries = log.body.entries as Body[];
    assert.deepEqual(entries.map((e) => `${e.action} ${e.actor.name}`), ['stream.update admin@example.com', 'stream.update editor@example.com', 'stream.create editor@example.com']);
    assert.equal(entries[2]!.ip, '192.0.2.44');
    assert.deepEqual(Object.keys(entries[1]!.detail.changes).sort(), ['query', 'rule']);
    assert.ok(!JSON.stringify(log.body).includes('sixteen-chars-secret'), 'no secret in the audit log');
    // A replaced secret of a kept channel is named (by channel id), never shown.
    const channel = (await call(clients.admin!, 'GET', `/api/streams/${id}`)).body.stream.channels.find((c: Body) => c.kind === 'webhook');
    const rotated = { name: 'Audited', query: 'acme OR widget', rule: { sensitivity: 'high' }, channels: [{ id: channel.id, kind: 'webhook', secret: 'a-brand-new-secret-value' }] };
    assert.equal((await call(clients.admin!, 'PUT', `/api/streams/${id}`, rotated)).status, 200);
    const [latest] = (await call(clients.admin!, 'GET', `/api/audit?targetId=${id}&limit=1`)).body.entries as Body[];
    assert.deepEqual(latest!.detail.credentialsReplaced, [channel.id]);
    assert.ok(!JSON.stringify(latest).includes('a-brand-new-secret-value'));
    assert.equal((await call(editor, 'GET', '/api/audit')).status, 403);
  });

  it('refuses oversized and malformed input on every entry point with a 4xx', async () => {
    const ingest = clients['key:ingest']!;
    const cases: Array<[Client | null, string, string, unknown, number, string]> = [
      [ingest, 'POST', '/api/ingest', ' '.repeat(5 * 1024 * 1024 + 1), 413, 'BODY_TOO_LARGE'],
      [ingest, 'POST', '/api/ingest', Array.from({ length: 10_001 }, () => ({ source: 'a', text: 'b' })), 413, 'TOO_MANY_MESSAGES'],
      [ingest, 'POST', '/api/ingest', '{"source":', 400, 'BODY_INVALID'],
      [null, 'POST', '/api/auth/login', '{"email":', 400, 'BODY_INVALID'],
      [null, 'POST', '/api/auth/login', { email: 'a@b.c', password: 'x'.repeat(300) }, 400, 'BODY_INVALID'],
      [clients.editor!, 'POST', '/api/streams', 'x'.repeat(70_000), 413, 'BODY_TOO_LARGE'],
      [clients.editor!, 'POST', '/api/streams', { name: 'q', query: 'x '.repeat(600) }, 400, 'STREAM_QUERY_INVALID'],
      [clients.admin!, 'POST', '/api/keys', { name: 'k', scopes: ['root'] }, 400, 'BODY_INVALID'],
      [clients.admin!, 'POST', '/api/users', { email: 'not-an-email', password, role: 'viewer' }, 400, 'BODY_INVALID'],
      [clients.admin!, 'POST', '/api/users', { email: 'short@example.com', password: 'short', role: 'viewer' }, 400, 'BODY_INVALID'],
      [clients.viewer!, 'GET', '/api/alerts?limit=100000', undefined, 400, 'QUERY_INVALID'],
      [clients.viewer!, 'GET', '/api/streams/%E0%A4%A', undefined, 404, 'NOT_FOUND'],
      [{ name: 'bad token', as: null, headers: { authorization: 'Bearer pulse_garbage' } }, 'GET', '/api/streams', undefined, 401, 'UNAUTHENTICATED'],
      [{ name: 'bad cookie', as: null, headers: { cookie: 'pulse_session=%E0%A4%A' } }, 'GET', '/api/streams', undefined, 401, 'UNAUTHENTICATED'],
    ];
    for (const [client, method, pathname, body, status, code] of cases) {
      const res = await call(client, method, pathname, body);
      assert.equal(res.status, status, `${method} ${pathname}: ${JSON.stringify(res.body).slice(0, 200)}`);
      assert.equal(res.body.error.code, code);
    }
    // A text over 10,000 characters rejects that message only.
    const mixed = await call(ingest, 'POST', '/api/ingest', [{ source: 'a', text: 'x'.repeat(10_001) }, { source: 'a', text: 'fine' }]);
    assert.equal(mixed.status, 202);
    assert.equal(mixed.body.accepted, 1);
    assert.equal(mixed.body.rejected[0].index, 0);
  });

  it('login attempts from one address are limited, and who-am-I tells the mode', async () => {
    const me = await call(clients.viewer!, 'GET', '/api/auth/me');
    assert.equal(me.body.mode, 'enforced');
    assert.equal(me.body.principal.role, 'viewer');
    assert.ok(Date.parse(me.body.expiresAt) > Date.now());
    let status = 0;
    for (let i = 0; i < 15 && status !== 429; i++) {
      status = (await call(null, 'POST', '/api/auth/login', { email: adminEmail, password: 'wrong password!!' }, { 'x-forwarded-for': '203.0.113.99' })).status;
    }
    assert.equal(status, 429);
    const failed = await call(clients.admin!, 'GET', '/api/audit?action=login.failed');
    assert.ok(failed.body.entries.length >= 1);
    assert.equal(failed.body.entries[0].ip, '203.0.113.99');
  });
});
