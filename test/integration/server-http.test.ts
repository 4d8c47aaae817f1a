import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { loadConfig } from '../../lib/config.ts';
import { repoRoot } from '../../lib/paths.ts';
import { startPulse, type Pulse } from '../../server/pulse.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);

describe('server HTTP contract (embedded runtime)', () => {
  let pulse: Pulse;
  let dataDir: string;
  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-http-'));
    pulse = await startPulse(loadConfig({ ...process.env, PORT: '0', PULSE_DEMO: '0', PULSE_DATA_DIR: dataDir, PULSE_MODEL_THREADS: '1' }));
  });
  after(async () => {
    await pulse?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (pathname: string, init?: RequestInit) => {
    const res = await fetch(`${pulse.url}${pathname}`, init);
    return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } & Record<string, unknown> };
  };
  const post = (body: string, type = 'application/json') =>
    call('/api/ingest', { method: 'POST', headers: { 'content-type': type }, body });

  it('answers bad requests with a 4xx and a stable code', async () => {
    const cases: Array<[Promise<{ status: number; body: { error?: { code: string } } }>, number, string]> = [
      [post('[{"source":"a","text":"b"'), 400, 'BODY_INVALID'],
      [post('source,text', 'text/csv'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [post(" ".repeat(5 * 1024 * 1024 + 1)), 413, 'BODY_TOO_LARGE'],
      [post(JSON.stringify(Array.from({ length: 10_001 }, () => ({ source: 'a', text: 'b' })))), 413, 'TOO_MANY_MESSAGES'],
      [call('/api/nope'), 404, 'NOT_FOUND'],
      [call('/api/ingest'), 405, 'METHOD_NOT_ALLOWED'],
      [call('/api/stats?bucket=2s'), 400, 'QUERY_INVALID'],
      [call('/api/stats?from=yesterday'), 400, 'QUERY_INVALID'],
      [call('/api/stats?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z'), 400, 'QUERY_INVALID'],
      [call('/api/stats?from=2020-01-01T00:00:00Z&bucket=1s'), 400, 'QUERY_INVALID'],
      [call('/api/messages?limit=0'), 400, 'QUERY_INVALID'],
      [call('/api/messages?label=angry'), 400, 'QUERY_INVALID'],
      [call('/api/messages?cursor=garbage'), 400, 'QUERY_INVALID'],
    ];
    for (const [pending, status, code] of cases) {
      const { status: got, body } = await pending;
      assert.equal(got, status, `${code}: ${JSON.stringify(body)}`);
      assert.equal(body.error?.code, code);
    }
  });

  it('accepts the valid items of a mixed request and returns the ids it assigned', async () => {
    const { status, body } = await post(JSON.stringify([{ source: 'web', text: 'Great service, thanks!' }, { source: 'web' }, { id: 'keep-me', source: 'web', text: 'ok' }]));
    assert.equal(status, 202);
    assert.equal(body.accepted, 2);
    assert.deepEqual((body.rejected as Array<{ index: number }>).map((r) => r.index), [1]);
    assert.equal((body.ids as string[])[1], 'keep-me');
  });

  it('replays a JSONL file through the ingest API with npm run replay', async () => {
    const file = path.join(dataDir, 'replay.jsonl');
    fs.writeFileSync(file, ['I love it', 'I hate it', 'It is Tuesday'].map((text, i) => JSON.stringify({ text, label: i })).join('\n'));
    const { stderr } = await run(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/replay.ts'), '--dataset', file, '--rate', '100', '--source', 'replay-test', '--url', pulse.url]);
    assert.match(stderr, /sent 3 messages, 0 rejected/);
    await waitFor(async () => {
      const { body } = await call('/api/stats?source=replay-test&bucket=1h');
      return (body.buckets as Array<{ count: number }>).reduce((s, b) => s + b.count, 0) === 3;
    }, 20_000);
    const { body } = await call('/api/messages?q=hate');
    const [message] = body.messages as Array<{ text: string; label: string; meta: { label: string; dataset: string } }>;
    assert.equal(message?.text, 'I hate it');
    assert.equal(message?.label, 'negative');
    assert.equal(message?.meta.label, '1');
  });

  it('fails the replay with the server\'s reason when a batch is refused', async () => {
    // At this rate the second 100-ms slice holds more than the 10,000 messages a request may carry.
    const file = path.join(dataDir, 'flood.jsonl');
    fs.writeFileSync(file, Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ text: `message ${i}` })).join('\n'));
    await assert.rejects(
      run(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/replay.ts'), '--dataset', file, '--rate', '200000', '--source', 'flood', '--url', pulse.url]),
      (err: { stderr: string }) => /server refused the batch: 413 TOO_MANY_MESSAGES/.test(err.stderr),
    );
  });

  it('refuses a missing replay file with a clear error', async () => {
    await assert.rejects(
      run(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/replay.ts'), '--dataset', '/nope.jsonl', '--url', pulse.url]),
      (err: { stderr: string }) => /DATASET_NOT_FOUND.*\/nope\.jsonl/.test(err.stderr),
    );
  });
});
