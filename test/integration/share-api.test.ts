/**
 * `GET /api/share` on chdb: two streams' totals and buckets over a period, the period of the
 * same length before it, the source filter (case-insensitive), every stream when none is named,
 * and the refusals. The route runs behind a plain HTTP server over a real store; messages go in
 * through the store's insert, so `sentiment_1s` is filled by its materialized view.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ShareResponse } from '../../lib/contracts/api.ts';
import type { ScoredMessage } from '../../lib/message.ts';
import type { Label } from '../../lib/sentiment.ts';
import { openStore, type Store } from '../../lib/store/index.ts';
import { sendError } from '../../server/respond.ts';
import { shareRoute } from '../../server/routes/share.ts';

/** Exact in Float32, so the mean scores compare exactly: score = positive − negative. */
const probsOf: Record<Label, ScoredMessage['probs']> = {
  negative: { negative: 0.75, neutral: 0.125, positive: 0.125 },
  neutral: { negative: 0.25, neutral: 0.5, positive: 0.25 },
  positive: { negative: 0.0625, neutral: 0.1875, positive: 0.75 },
};

/** The current period is [from, from + 10 min); the previous one the 10 minutes before. */
const from = Math.floor(Date.now() / 60_000) * 60_000 - 20 * 60_000;
const to = from + 10 * 60_000;

let n = 0;
function message(atMs: number, label: Label, streams: string[], source = 'twitter'): ScoredMessage {
  const probs = probsOf[label];
  const id = `share-${++n}`;
  return {
    id, ts: new Date(atMs).toISOString(), receivedAt: new Date(atMs + 5).toISOString(), source, text: `message ${id}`,
    label, confidence: probs[label], probs, score: probs.positive - probs.negative, model: 'test-model', streams,
    classifiedAt: new Date(atMs + 20).toISOString(),
  };
}

describe('GET /api/share on chdb', () => {
  let dataDir: string;
  let store: Store;
  let server: http.Server;
  let base: string;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-share-'));
    store = await openStore({ kind: 'chdb', dataDir, retentionDays: 30 });
    for (const [id, name] of [['bravo', 'Bravo'], ['alpha', 'Alpha']]) {
      await store.streams.insertVersion({
        id: id!, version: 1, name: name!, query: id!, sources: [], rule: {}, channels: [], updatedAt: new Date().toISOString(), deleted: false,
      });
    }
    await store.messages.insert([
      // Current period: alpha 3 (2 positive + 1 negative from "Reddit"), bravo 1 (the positive they share).
      message(from + 1_000, 'positive', ['alpha']),
      message(from + 90_500, 'positive', ['alpha', 'bravo']),
      message(from + 300_000, 'negative', ['alpha'], 'Reddit'),
      // Previous period: alpha 1 neutral, bravo 2 negative.
      message(from - 60_000, 'neutral', ['alpha']),
      message(from - 5_000, 'negative', ['bravo'], 'reddit'),
      message(from - 1_000, 'negative', ['bravo']),
      // Outside both periods, and a message of no stream.
      message(from - 11 * 60_000, 'positive', ['alpha']),
      message(to + 1_000, 'positive', ['alpha']),
      message(from + 2_000, 'neutral', []),
    ]);
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      shareRoute(store.share, { list: () => store.streams.list() }, url.searchParams, res).catch((err: unknown) => sendError(res, err));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  });

  const share = async (query: Record<string, string>) => {
    const res = await fetch(`${base}/api/share?${new URLSearchParams(query)}`);
    return { status: res.status, body: (await res.json()) as ShareResponse & { error?: { code: string; message: string } } };
  };
  const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };

  it('sums each stream over the period and the previous one, with its buckets, in the order asked', async () => {
    const { status, body } = await share({ streams: 'alpha,bravo', ...range, bucket: '1m' });
    assert.equal(status, 200);
    assert.equal(body.previousFrom, new Date(from - 10 * 60_000).toISOString());
    assert.equal(body.bucket, '1m');
    assert.deepEqual(body.streams.map((s) => s.stream), ['alpha', 'bravo']);
    const [alpha, bravo] = body.streams;
    assert.deepEqual(alpha!.totals, { count: 3, negative: 1, neutral: 0, positive: 2, meanScore: (0.6875 * 2 - 0.625) / 3 });
    assert.deepEqual(alpha!.previous, { count: 1, negative: 0, neutral: 1, positive: 0, meanScore: 0 });
    assert.deepEqual(alpha!.buckets.map((b) => [b.t, b.count]), [
      [new Date(from).toISOString(), 1],
      [new Date(from + 60_000).toISOString(), 1],
      [new Date(from + 300_000).toISOString(), 1],
    ]);
    assert.deepEqual(bravo!.totals, { count: 1, negative: 0, neutral: 0, positive: 1, meanScore: 0.6875 });
    assert.deepEqual(bravo!.previous, { count: 2, negative: 2, neutral: 0, positive: 0, meanScore: -0.625 });
    // Shares of voice follow from the counts: alpha 3 of 4 mentions, bravo 1 of 4.
    const mentions = body.streams.reduce((sum, s) => sum + s.totals.count, 0);
    assert.deepEqual(body.streams.map((s) => s.totals.count / mentions), [0.75, 0.25]);
  });

  it('keeps a straddling bucket’s previous seconds out of the current period', async () => {
    // A window starting 3 s before a minute: bravo's minute before `from` holds one message of each period.
    const { body } = await share({ streams: 'bravo', from: new Date(from - 3_000).toISOString(), to: new Date(to - 3_000).toISOString(), bucket: '1m' });
    const [bravo] = body.streams;
    assert.deepEqual(bravo!.buckets.map((b) => [b.t, b.count]), [[new Date(from - 60_000).toISOString(), 1], [new Date(from + 60_000).toISOString(), 1]]);
    assert.equal(bravo!.totals.count, 2);
    assert.equal(bravo!.previous.count, 1);
  });

  it('filters on the source without regard to case', async () => {
    const { body } = await share({ streams: 'alpha,bravo', source: 'REDDIT', ...range });
    assert.deepEqual(body.streams.map((s) => [s.stream, s.totals.count, s.previous.count]), [['alpha', 1, 0], ['bravo', 0, 1]]);
    assert.equal(body.streams[1]!.totals.meanScore, null);
    assert.deepEqual(body.streams[1]!.buckets, []);
  });

  it('compares every stream of the catalog, by name, when none is named', async () => {
    const { body } = await share(range);
    assert.deepEqual(body.streams.map((s) => s.stream), ['alpha', 'bravo']);
    assert.equal(body.bucket, '1s', 'the finest bucket that keeps a line within 1,000 points');
  });

  it('refuses what it cannot answer with QUERY_INVALID', async () => {
    const tooMany = Array.from({ length: 21 }, (_, i) => `s${i}`).join(',');
    for (const query of [
      { streams: tooMany, ...range },
      { streams: ',', ...range },
      { streams: 'alpha', from: range.to, to: range.from },
      { streams: 'alpha', ...range, bucket: '2s' },
      { streams: 'alpha', from: new Date(from - 86_400_000).toISOString(), to: range.to, bucket: '1s' },
    ]) {
      const { status, body } = await share(query);
      assert.equal(status, 400, JSON.stringify(query));
      assert.equal(body.error?.code, 'QUERY_INVALID');
    }
  });
});
