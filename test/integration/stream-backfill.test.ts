/**
 * Streams see the past (lib/streams/backfill/), on chdb with the embedded runtime: a day of
 * stored messages, then streams created and changed through the API. After each job the
 * stream's `/api/stats` equals a recount from `messages FINAL`, the tagged messages are exactly
 * those the stream's query matches, and the all-streams counts never move; messages ingested
 * through the real pipeline while a job runs are counted once; a server stopped mid-job and
 * started again on the same data finishes the job with the same exact counts.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, type Config } from '../../lib/config.ts';
import type { ScoredMessage } from '../../lib/message.ts';
import { ChdbClient } from '../../lib/store/chdb.ts';
import type { StreamBackfill } from '../../lib/streams/backfill/job.ts';
import { compileQuery } from '../../lib/streams/compile.ts';
import { parseQuery } from '../../lib/streams/query.ts';
import { analyze } from '../../lib/streams/text.ts';
import { startPulse, type Pulse } from '../../server/pulse.ts';
import { waitFor } from '../support/wait.ts';

const texts = [
  'Flight delayed again, great job',
  'coffee on the flight was lovely',
  'Rain all day in the city',
  'new coffee place opened downtown',
  'the train was on time today',
  'flight cancelled and nobody answers',
];
const labels = ['negative', 'positive', 'neutral'] as const;
/** Small chunks and a pause: a job over the seeded day takes seconds, long enough to act during it. */
const tuning = { propagationMarginMs: 300, inFlightMs: 700, chunkSize: 60, chunkPauseMs: 80 };

describe('stream backfill (chdb, embedded runtime)', () => {
  let dataDir: string;
  let config: Config;
  let pulse: Pulse;
  let sql: ChdbClient;
  const now = Date.now();
  const from = new Date(now - 25 * 3_600_000);

  const api = async <T,>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${pulse.url}${url}`, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    assert.ok(res.ok, `${method} ${url}: ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  };
  const backfillOf = async (id: string) => (await api<{ stream: { backfill?: StreamBackfill } }>('GET', `/api/streams/${id}`)).stream.backfill;
  const finished = (id: string, version: number) =>
    waitFor(async () => {
      const b = await backfillOf(id);
      assert.notEqual(b?.state, 'failed', b?.error);
      return b?.version === version && b.state === 'finished';
    }, 60_000, 100);

  /** Per minute: count and label counts, from /api/stats. */
  async function stats(stream: string): Promise<Map<string, string>> {
    const q = new URLSearchParams({ stream, from: from.toISOString(), to: new Date(Date.now() + 60_000).toISOString(), bucket: '1m' });
    const body = await api<{ buckets: Array<{ t: string; count: number; negative: number; neutral: number; positive: number }> }>('GET', `/api/stats?${q}`);
    return new Map(body.buckets.filter((b) => b.count > 0).map((b) => [b.t, `${b.count}/${b.negative}/${b.neutral}/${b.positive}`]));
  }

  /** The same, recounted from the messages as stored. */
  async function recount(stream: string): Promise<Map<string, string>> {
    const rows = await sql.query<{ t: string; n: number; neg: number; neu: number; pos: number }>(
      `SELECT toStartOfMinute(toDateTime(ts, 'UTC')) AS t, count() AS n, countIf(label = 'negative') AS neg,
         countIf(label = 'neutral') AS neu, countIf(label = 'positive') AS pos
       FROM messages FINAL WHERE ${stream === '*' ? '1' : 'has(streams, {stream:String})'} GROUP BY t`,
      { stream },
    );
    return new Map(rows.map((r) => [new Date(`${r.t.replace(' ', 'T')}Z`).toISOString(), `${r.n}/${r.neg}/${r.neu}/${r.pos}`]));
  }

  /** Tagged ids against the query run over every stored message (a fresh classification). */
  async function assertTagsMatch(stream: string, query: string): Promise<number> {
    const compiled = compileQuery(parseQuery(query));
    const rows = await sql.query<{ id: string; text: string; tagged: number }>(`SELECT id, text, has(streams, {stream:String}) AS tagged FROM messages FINAL`, { stream });
    const wrong = rows.filter((r) => compiled.test(analyze(r.text)) !== (r.tagged === 1)).map((r) => r.id);
    assert.deepEqual(wrong, [], `messages tagged differently from a fresh match of ${query}`);
    return rows.filter((r) => r.tagged === 1).length;
  }

  async function assertExact(stream: string, query: string, allBefore: Map<string, string>): Promise<void> {
    const tagged = await assertTagsMatch(stream, query);
    assert.ok(tagged > 0);
    assert.deepEqual(await stats(stream), await recount(stream));
    assert.deepEqual(await stats('*'), await recount('*'));
    // Only what was ingested meanwhile may add to the all-streams counts; nothing else moved.
    const all = await stats('*');
    for (const [t, v] of allBefore) if (!all.has(t)) assert.fail(`minute ${t} (${v}) lost from the all-streams counts`);
  }

  const start = async () => {
    pulse = await startPulse(config, { backfill: tuning });
  };

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-backfill-'));
    config = loadConfig({
      ...process.env, PORT: '0', HOST: '127.0.0.1', PULSE_DEMO: '0', PULSE_DATA_DIR: dataDir, PULSE_EMBEDDED_CLASSIFIERS: '1',
      PULSE_MODEL_THREADS: '1', PULSE_BATCH_WAIT_MS: '20', PULSE_STREAMS_POLL_MS: '200',
    });
    await start();
    sql = ChdbClient.open(dataDir);
    // A day of classified messages, stored before any stream exists.
    const day: ScoredMessage[] = [];
    for (let i = 0; i < 1_500; i++) {
      const ts = new Date(now - 23.5 * 3_600_000 + i * 56_000).toISOString();
      const label = labels[i % 3]!;
      day.push({
        id: `past-${i}`, ts, receivedAt: ts, source: i % 2 ? 'twitter' : 'Reviews', text: `${texts[i % texts.length]} #${i % 7}`,
        label, confidence: 0.9, probs: { negative: label === 'negative' ? 0.9 : 0.05, neutral: label === 'neutral' ? 0.9 : 0.05, positive: label === 'positive' ? 0.9 : 0.05 },
        score: label === 'positive' ? 0.85 : label === 'negative' ? -0.85 : 0, model: 'seeded', streams: [], classifiedAt: new Date(now - 60_000).toISOString(),
      });
    }
    await pulse.store.messages.insert(day);
  });

  after(async () => {
    await pulse?.close();
    await sql?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a new stream is tagged in the past, exactly, while messages keep arriving', async () => {
    const allBefore = await stats('*');
    await api('POST', '/api/streams', { id: 'flights', name: 'Flights', query: 'flight' });
    await waitFor(async () => ((await backfillOf('flights'))?.scanned ?? 0) > 0, 30_000, 50);
    const running = await backfillOf('flights');
    assert.equal(running?.state, 'running');
    assert.ok(running.scanned < running.total, 'the job is still under way');
    // Through the real pipeline (ingest → classify with the new version → store), some in hours the job has not reached.
    const live = Array.from({ length: 30 }, (_, i) => ({
      id: `live-${i}`, source: 'twitter', text: i % 2 ? 'my flight is late' : 'sunny weather',
      ts: new Date(now - (i % 3) * 8 * 3_600_000 - i * 1000).toISOString(),
    }));
    const res = await fetch(`${pulse.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: live.map((m) => JSON.stringify(m)).join('\n') });
    assert.equal(res.status, 202);
    await waitFor(async () => (await sql.query<{ n: number }>(`SELECT count() AS n FROM messages WHERE startsWith(id, 'live-')`))[0]?.n === 30, 60_000, 100);
    assert.equal((await backfillOf('flights'))?.state, 'running', 'the live messages arrived while the job ran');
    await finished('flights', 1);
    const done = (await backfillOf('flights'))!;
    assert.equal(done.scanned, done.total);
    assert.equal(done.matched, done.added);
    await assertExact('flights', 'flight', allBefore);
  });

  it('a changed query takes the messages it no longer matches out of the counts', async () => {
    const allBefore = await stats('*');
    await api('PUT', '/api/streams/flights', { name: 'Flights', query: 'flight AND cancelled' });
    await finished('flights', 2);
    const done = (await backfillOf('flights'))!;
    assert.ok(done.removed > 0 && done.added === 0);
    await assertExact('flights', 'flight AND cancelled', allBefore);
  });

  it('a job stopped halfway finishes with exact counts after a restart', async () => {
    const allBefore = await stats('*');
    await api('POST', '/api/streams', { id: 'coffee', name: 'Coffee', query: 'coffee' });
    await waitFor(async () => ((await backfillOf('coffee'))?.scanned ?? 0) > 0, 30_000, 50);
    await pulse.close();
    await start();
    const resumed = (await backfillOf('coffee'))!;
    assert.ok(resumed.scanned > 0 && resumed.scanned < resumed.total, `stopped mid-job: ${resumed.scanned} of ${resumed.total}`);
    await finished('coffee', 1);
    await assertExact('coffee', 'coffee', allBefore);
    await assertExact('flights', 'flight AND cancelled', allBefore);
  });
});
