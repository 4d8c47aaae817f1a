/** `npm run admin:create`: the user it creates is in the store, and in the audit log as created by the command line. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../lib/config.ts';
import { repoRoot } from '../../lib/paths.ts';
import { openStore, type Store } from '../../lib/store/index.ts';

/** Runs the CLI with the password on standard input, as its help says; resolves with its stdout. */
function adminCreate(env: NodeJS.ProcessEnv, args: string[], password: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/admin-create.ts', ...args], { cwd: repoRoot, env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.end(password);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`admin:create exited ${code}: ${err}`))));
  });
}

describe('admin:create', { timeout: 60_000 }, () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-admin-create-'));
    env = { ...process.env, PULSE_DATA_DIR: dataDir };
    delete env.CLICKHOUSE_URL;
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('creates the user and records it in the audit log as done by the command line', async () => {
    const out = await adminCreate(env, ['--email', 'Root@Example.com', '--role', 'admin'], 'correct horse battery staple\n');
    assert.match(out, /^created admin root@example\.com \(/);
    // chdb allows one process per data dir: the CLI has exited, so the test may open it now.
    const store: Store = await openStore(loadConfig(env).store);
    try {
      const [user] = await store.users.list();
      assert.equal(user?.email, 'root@example.com');
      const { entries } = await store.audit.list({ limit: 10 });
      assert.equal(entries.length, 1);
      const [entry] = entries;
      assert.equal(entry?.action, 'user.create');
      assert.deepEqual(entry?.actor, { kind: 'local', id: '', name: 'command line on the server' });
      assert.deepEqual(entry?.target, { kind: 'user', id: user.id });
      assert.deepEqual(entry?.detail, { email: 'root@example.com', role: 'admin' });
      assert.equal(entry?.ip, '');
    } finally {
      await store.close();
    }
  });
});
