/**
 * Open mode (no admin, no key needed) is for a first look on this machine: a server bound to an
 * address others can reach refuses to start that way unless PULSE_INSECURE=1 says so, and starts
 * normally once a first admin is configured.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../lib/config.ts';
import { isPulseError } from '../../lib/errors.ts';
import { startPulse } from '../../server/pulse.ts';

describe('exposure without authentication', { timeout: 60_000 }, () => {
  const dirs: string[] = [];
  const env = (extra: Record<string, string>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-exposure-'));
    dirs.push(dir);
    return loadConfig({
      ...process.env, HOST: '0.0.0.0', PORT: '0', PULSE_UI: '0', PULSE_DEMO: '0', PULSE_EMBEDDED_CLASSIFIERS: '0', PULSE_EMBEDDED_DETECTOR: '0',
      PULSE_DATA_DIR: dir, ...extra,
    });
  };
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a non-loopback bind in open mode, saying how to fix it', async () => {
    await assert.rejects(startPulse(env({})), (err) => isPulseError(err, 'INSECURE_BIND') && /PULSE_ADMIN_EMAIL/.test(err.message) && /PULSE_INSECURE=1/.test(err.message));
  });

  it('starts with PULSE_INSECURE=1, or with a first admin (then enforcing)', async () => {
    const insecure = await startPulse(env({ PULSE_INSECURE: '1' }));
    await insecure.close();
    const secured = await startPulse(env({ PULSE_ADMIN_EMAIL: 'admin@example.com', PULSE_ADMIN_PASSWORD: 'correct horse battery staple' }));
    try {
      const res = await fetch(`${secured.url.replace('0.0.0.0', '127.0.0.1')}/api/streams`);
      assert.equal(res.status, 401);
    } finally {
      await secured.close();
    }
  });
});
