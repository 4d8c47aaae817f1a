/**
 * Source filters match without regard to case (issue 15 item 4), on the embedded runtime
 * (chdb): `/api/stats`, `/api/messages` and the preview's candidates find "airline" when asked
 * for "Airline"; `/api/sources` lists what is stored, spellings of one source as one entry; the
 * live hub's snapshot, ticks and sampled messages follow the same rule. Messages are written to
 * the store and published as scored directly, so every count is known exactly.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { Topics } from '../../lib/bus/topics.ts';
import { loadConfig } from '../../lib/config.ts';
import { AllStreamsId, type SourcesResponse } from '../../lib/contracts/api.ts';
import type { ServerEvent, ServerEventOf } from '../../lib/contracts/live.ts';
import type { ScoredMessage } from '../../lib/message.ts';
import { predictionFromProbs } from '../../lib/sentiment.ts';
import { startPulse, type Pulse } from '../../server/pulse.ts';
import { waitFor } from '../support/wait.ts';

/** Stored spellings: 3 × airline, 1 × Airline, 2 × rail; the first two in stream acme. */
const storedSources = ['airline', 'airline', 'Airline', 'airline', 'rail', 'rail'];

describe('source filters without regard to case (chdb)', () => {
  let pulse: Pulse;
  let dataDir: string;
  const base = Date.now() - 120_000;
  let n = 0;
  const scored = (source: string, at: number, streams: string[] = []): ScoredMessage => ({
    id: `sf-${n++}`, ts: new Date(at).toISOString(), receivedAt: new Date(at).toISOString(), source, text: `news from ${source}`,
    ...predictionFromProbs({ negative: 0.7, neutral: 0.2, positive: 0.1 }), model: 'test', streams, classifiedAt: new Date(at).toISOString(),
  });
  const getJson = async <T>(pathname: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${pulse.url}${pathname}`);
    return { status: res.status, body: (await res.json()) as T };
  };
  const range = () => `from=${base - 1000}&to=${Date.now() + 1000}`;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-sources-'));
    pulse = await startPulse(loadConfig({ ...process.env, PORT: '0', PULSE_DEMO: '0', PULSE_DATA_DIR: dataDir, PULSE_MODEL_THREADS: '1', PULSE_LIVE_MESSAGE_RATE: '1000' }));
    await pulse.store.messages.insert(storedSources.map((s, i) => scored(s, base + i * 1000, i < 2 ? ['acme'] : [])));
  });
  after(async () => {
    await pulse?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('counts every spelling of a source in /api/stats, whichever spelling is asked', async () => {
    for (const source of ['Airline', 'airline', 'AIRLINE']) {
      const { status, body } = await getJson<{ buckets: Array<{ count: number }> }>(`/api/stats?source=${source}&${range()}`);
      assert.equal(status, 200);
      assert.equal(body.buckets.reduce((sum, b) => sum + b.count, 0), 4, source);
    }
    const inStream = await getJson<{ buckets: Array<{ count: number }> }>(`/api/stats?stream=acme&source=AirLine&${range()}`);
    assert.equal(inStream.body.buckets.reduce((sum, b) => sum + b.count, 0), 2);
  });

  it('lists every spelling in /api/messages (drill-down and CSV), each as stored', async () => {
    const { body } = await getJson<{ messages: ScoredMessage[] }>(`/api/messages?source=Airline&limit=100&${range()}`);
    assert.deepEqual(body.messages.map((m) => m.source).sort(), ['Airline', 'airline', 'airline', 'airline']);
    const none = await getJson<{ messages: ScoredMessage[] }>(`/api/messages?source=air&limit=100&${range()}`);
    assert.deepEqual(none.body.messages, [], 'equal names, not substrings');
  });

  it('offers the stored sources in /api/sources: most messages first, one entry per source whatever its spellings', async () => {
    const all = await getJson<SourcesResponse>(`/api/sources?${range()}`);
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.sources, [{ source: 'airline', count: 4 }, { source: 'rail', count: 2 }]);
    const acme = await getJson<SourcesResponse>(`/api/sources?stream=acme&${range()}`);
    assert.deepEqual(acme.body.sources, [{ source: 'airline', count: 2 }]);
    const limited = await getJson<SourcesResponse>(`/api/sources?limit=1&${range()}`);
    assert.deepEqual(limited.body.sources, [{ source: 'airline', count: 4 }]);
    const before = await getJson<SourcesResponse>(`/api/sources?from=${base - 60_000}&to=${base - 1000}`);
    assert.deepEqual(before.body.sources, [], 'only the range asked for');
    const fallback = await getJson<SourcesResponse>('/api/sources');
    assert.equal(fallback.body.sources.length, 2, 'the last 24 hours by default');
    for (const bad of ['limit=0', 'limit=1001', 'from=yesterday', `from=${Date.now()}&to=${Date.now() - 1000}`]) {
      const refused = await getJson<{ error: { code: string } }>(`/api/sources?${bad}`);
      assert.equal(refused.status, 400, bad);
    }
  });

  it('finds a stream preview’s candidates from its sources in any case', async () => {
    const candidates = await pulse.store.previews.candidates({ needles: [], sources: ['AIRLINE'], from: new Date(base - 1000), to: new Date(), limit: 100 });
    assert.equal(candidates.length, 4);
  });

  it('filters the live hub the same way: snapshot, ticks and sampled messages', async () => {
    const ws = new WebSocket(`${pulse.url.replace(/^http/, 'ws')}/ws`);
    const events: ServerEvent[] = [];
    ws.on('message', (data) => events.push(JSON.parse(String(data)) as ServerEvent));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const of = <K extends ServerEvent['type']>(type: K) => events.filter((e): e is ServerEventOf<K> => e.type === type);
    try {
      // Two spellings of one source: one source, counted once.
      ws.send(JSON.stringify({ type: 'subscribe', streams: 'all', sources: ['Airline', 'AIRLINE'], window: '5m' }));
      await waitFor(() => of('snapshot').length > 0, 10_000);
      const snapshot = of('snapshot')[0]!;
      assert.deepEqual(snapshot.sources, ['Airline'], 'the first spelling of each source is echoed');
      assert.equal(snapshot.streams[AllStreamsId]!.buckets.reduce((sum, b) => sum + b.count, 0), 4, 'the snapshot counts every stored spelling once');

      const now = Date.now();
      const live = ['airline', 'AirLine', 'rail', 'AIRLINE', 'Rail'].map((s, i) => scored(s, now - i * 10));
      await pulse.bus.publish(Topics.scored, live.map((m) => ({ key: m.id, value: m })));
      const ticked = () => of('tick').reduce((sum, t) => sum + (t.streams[AllStreamsId]?.points ?? []).reduce((s, p) => s + p.count, 0), 0);
      await waitFor(() => ticked() === 3, 10_000);
      await waitFor(() => of('message').length === 3, 10_000);
      assert.deepEqual(of('message').map((m) => m.source).sort(), ['AIRLINE', 'AirLine', 'airline']);
      const last = of('tick').at(-1)!.streams[AllStreamsId]!;
      assert.ok(last.volume <= 3, 'the "now" figures count the same spellings');
    } finally {
      ws.close();
    }
  });
});
