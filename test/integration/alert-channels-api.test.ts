/**
 * The alert channel side of `/api/streams` and the people's side of `/api/alerts` on the
 * embedded runtime, with private webhook targets not allowed (the default): a loopback or
 * link-local URL is refused when the stream is saved, with the channel and the reason; a
 * channel's "send test" answers the outcome at once; resolving takes a note (checked) and
 * records who. (The browser test, test/e2e/streams-alerts.test.ts, runs with private targets
 * allowed, as its receiver is local: there the save warns and the test reaches the receiver.)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../lib/config.ts';
import { startPulse, type Pulse } from '../../server/pulse.ts';
import { alertFixture } from '../support/alert-fixture.ts';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('alert channels and actions over the REST API (private targets refused)', () => {
  let pulse: Pulse;
  let dataDir: string;
  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-alert-api-'));
    pulse = await startPulse(
      loadConfig({
        ...process.env, PORT: '0', PULSE_DEMO: '0', PULSE_UI: '0', PULSE_DATA_DIR: dataDir, PULSE_MODEL_THREADS: '1',
        PULSE_ALL_STREAM_ALERTS: 'off', PULSE_ALLOW_PRIVATE_WEBHOOKS: '0',
      }),
    );
  });
  after(async () => {
    await pulse?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (method: string, pathname: string, body?: unknown) => {
    const res = await fetch(`${pulse.url}${pathname}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Body };
  };
  const secret = 'a-webhook-secret-of-some-length';

  it('refuses a loopback or link-local webhook URL at save time, naming the channel and the reason', async () => {
    for (const url of ['http://127.0.0.1:9/hook', 'http://169.254.169.254/latest/meta-data', 'http://localhost:8080/hook']) {
      const res = await call('POST', '/api/streams', { name: 'Private', query: 'acme', channels: [{ kind: 'dashboard' }, { kind: 'webhook', url, secret }] });
      assert.equal(res.status, 400, url);
      assert.equal(res.body.error.code, 'ALERT_CHANNEL_INVALID');
      assert.match(res.body.error.message, /^channels\.1\.url: webhook host .* private, loopback, link-local or reserved address/);
    }
    assert.equal((await call('GET', '/api/streams/private')).status, 404, 'nothing was saved');
  });

  it('saves a public URL with its event choice, and answers a send test at once', async () => {
    // `.invalid` never resolves (RFC 6761): the save goes ahead, the test says why it failed.
    const saved = await call('POST', '/api/streams', {
      name: 'Public', query: 'acme',
      channels: [{ kind: 'dashboard' }, { kind: 'slack', url: 'https://hooks.invalid/services/T/B/x', events: ['opened', 'resolved'] }],
    });
    assert.equal(saved.status, 201);
    const [dashboard, slack] = saved.body.stream.channels as Body[];
    assert.deepEqual(slack!.events, ['opened', 'resolved']);
    const tested = await call('POST', '/api/streams/public/test-channel', { channel: slack!.id });
    assert.equal(tested.status, 200);
    assert.equal(tested.body.result.status, 'failed');
    assert.equal(tested.body.result.target, 'https://hooks.invalid/…');
    assert.match(tested.body.result.error, /DNS lookup failed|request failed/);
    assert.equal((await call('POST', '/api/streams/public/test-channel', { channel: dashboard!.id })).body.error.code, 'BODY_INVALID');
    assert.equal((await call('POST', '/api/streams/public/test-channel', { channel: 'nope' })).status, 404);
    assert.equal((await call('POST', '/api/streams/public/test-channel', {})).status, 400);
  });

  it('acknowledges and resolves with who and the note; the note is checked', async () => {
    const alert = alertFixture({ id: 'api-alert-1', stream: 'public', openedAt: new Date().toISOString(), updatedAt: new Date().toISOString() });
    await pulse.store.alerts.insert(alert);
    const acked = await call('POST', `/api/alerts/${alert.id}/acknowledge`);
    assert.equal(acked.body.alert.acknowledgedByName, 'someone', 'open mode names nobody');
    const tooLong = await call('POST', `/api/alerts/${alert.id}/resolve`, { note: 'x'.repeat(1001) });
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.error.code, 'BODY_INVALID');
    const resolved = await call('POST', `/api/alerts/${alert.id}/resolve`, { note: 'false alarm: a load test' });
    assert.equal(resolved.status, 200);
    assert.equal(resolved.body.alert.status, 'resolved');
    assert.equal(resolved.body.alert.resolvedByName, 'someone');
    assert.equal(resolved.body.alert.resolveNote, 'false alarm: a load test');
    assert.equal((await call('GET', `/api/alerts/${alert.id}`)).body.alert.resolveNote, 'false alarm: a load test');
  });
});
