/**
 * Backpressure at ingest: while the classifiers are more than PULSE_INGEST_MAX_BACKLOG messages
 * behind, HTTP and WebSocket ingest refuse with INGEST_OVERLOADED (503 + Retry-After) instead of
 * queueing more in memory; once they catch up, ingest is accepted again. Here no classifier runs
 * at first, so the backlog only grows; then one starts and drains it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startClassifierService, type ClassifierService } from '../../lib/classify/service.ts';
import { loadConfig } from '../../lib/config.ts';
import { startPulse, type Pulse } from '../../server/pulse.ts';
import { waitFor } from '../support/wait.ts';

describe('ingest backpressure', { timeout: 60_000 }, () => {
  let pulse: Pulse;
  let dataDir: string;
  let classifiers: ClassifierService | undefined;
  const env = () => ({
    ...process.env, PORT: '0', PULSE_UI: '0', PULSE_DEMO: '0', PULSE_EMBEDDED_CLASSIFIERS: '0', PULSE_EMBEDDED_DETECTOR: '0',
    PULSE_INGEST_MAX_BACKLOG: '100', PULSE_MODEL_THREADS: '1', PULSE_DATA_DIR: dataDir,
  });

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-backpressure-'));
    pulse = await startPulse(loadConfig(env()));
  });
  after(async () => {
    await classifiers?.stop();
    await pulse?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const ingest = (n: number) =>
    fetch(`${pulse.url}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Array.from({ length: n }, (_, i) => ({ source: 'bp', text: `message ${i}` }))),
    });

  it('refuses with 503 + Retry-After past the backlog limit, on both entry points, and accepts again once drained', async () => {
    assert.equal((await ingest(150)).status, 202, 'under the limit when sent');
    let refused: Response | undefined;
    await waitFor(async () => {
      const res = await ingest(1);
      if (res.status === 503) refused = res;
      return refused !== undefined;
    }, 5_000, 100);
    const body = (await refused!.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'INGEST_OVERLOADED');
    assert.ok(Number(refused!.headers.get('retry-after')) >= 1);

    const ws = new WebSocket(`${pulse.url.replace('http', 'ws')}/ws/ingest`);
    await new Promise((resolve) => ws.once('open', resolve));
    const reply = new Promise<{ type: string; code?: string }>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    ws.send(JSON.stringify({ source: 'bp', text: 'over the socket' }));
    const answer = await reply;
    assert.equal(answer.type, 'error');
    assert.equal(answer.code, 'INGEST_OVERLOADED');
    ws.close();

    const config = loadConfig(env());
    classifiers = await startClassifierService({ config, bus: pulse.bus, store: pulse.store, metrics: pulse.metrics, streams: pulse.streams }, 1);
    await waitFor(async () => (await ingest(1)).status === 202, 30_000, 250);
  });
});
