/**
 * The end-to-end contract of the streaming pipeline, run against both runtimes (in-process
 * bus and Kafka; chdb in both): ingest 1,000 labelled messages with 50 bad ones mixed in over
 * HTTP and WebSocket, kill one classifier right after it wrote a batch and before it
 * committed, and check that the store holds exactly the good messages, once each, with the
 * model's labels, and that the DLQ holds exactly the bad ones with reasons.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import type { Subscription } from '../../lib/bus/bus.ts';
import { Topics } from '../../lib/bus/topics.ts';
import { startClassifier, type ClassifierDeps } from '../../lib/classify/member.ts';
import { loadConfig } from '../../lib/config.ts';
import { readDataset } from '../../lib/datasets.ts';
import { normalizeIncoming } from '../../lib/ingest/normalize.ts';
import type { DeadLetter } from '../../lib/message.ts';
import { ClassifyStages } from '../../lib/metrics.ts';
import type { Label } from '../../lib/sentiment.ts';
import { noStreams } from '../../lib/streams/matcher.ts';
import { ModelPool } from '../../models/runtime/pool.ts';
import { startPulse, type Pulse } from '../../server/pulse.ts';
import { waitFor } from './wait.ts';

const datasetsDir = loadConfig().datasetsDir;

export interface Runtime {
  env(): Promise<Record<string, string>>;
  stop?(): Promise<void>;
}

function badMessages(): string[] {
  const bad: string[] = [];
  for (let i = 0; i < 25; i++) bad.push(`{"source":"test","text":"broken json ${i}"`);
  const invalid = [
    { source: 'test', text: '' },
    { source: 'test', text: '   ' },
    { text: 'no source' },
    { source: 'test', text: 'x'.repeat(10_001) },
    { source: 'test', text: 7 },
  ];
  for (let i = 0; i < 25; i++) bad.push(JSON.stringify({ ...invalid[i % invalid.length], n: i }));
  return bad;
}

export function pipelineContract(name: string, runtime: Runtime): void {
  describe(`pipeline end to end (${name})`, () => {
    let pulse: Pulse;
    let pool: ModelPool;
    const members: Subscription[] = [];
    let dataDir: string;
    const good = readDataset(datasetsDir, 'tweeteval-val')
      .slice(0, 1000)
      .map((r, i) => ({ id: `msg-${i}`, source: i % 2 ? 'twitter' : 'reviews', text: r.text }));
    const bad = badMessages();
    const from = new Date(Date.now() - 60_000).toISOString();
    /** Rows the killed member wrote in its last batch: stored, but never counted by it. */
    let writtenByVictim = 0;

    before(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-pipeline-'));
      const env = {
        PORT: '0', HOST: '127.0.0.1', PULSE_DEMO: '0', PULSE_DATA_DIR: dataDir, PULSE_EMBEDDED_CLASSIFIERS: '0',
        PULSE_MODEL_THREADS: '2', PULSE_BATCH_MAX: '50', PULSE_BATCH_WAIT_MS: '20', ...(await runtime.env()),
      };
      const config = loadConfig({ ...process.env, ...env });
      pulse = await startPulse(config);
      pool = await ModelPool.start(config.model);
    });

    after(async () => {
      await Promise.all(members.map((m) => m.stop()));
      await pool?.close();
      await pulse?.close();
      await runtime.stop?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('stores every good message exactly once although a classifier died between write and commit', async () => {
      let inserts = 0;
      let victim: Subscription | undefined;
      const deps = (messages: ClassifierDeps['messages']): ClassifierDeps => ({
        bus: pulse.bus, messages, model: pool, matcher: noStreams, metrics: pulse.metrics, batchMax: 50, batchWaitMs: 20,
      });
      // The victim's second batch reaches ClickHouse, then the member dies before its commit.
      const dying: ClassifierDeps['messages'] = {
        insert: async (rows) => {
          const result = await pulse.store.messages.insert(rows);
          if (++inserts === 2) {
            writtenByVictim = result.inserted;
            void victim!.stop();
            throw new Error('killed after writing, before committing');
          }
          return result;
        },
      };
      // Both join at once: the Kafka mock cluster refuses a late joiner's SyncGroup.
      const [first, second] = await Promise.all([startClassifier(deps(dying)), startClassifier(deps(pulse.store.messages))]);
      victim = first;
      members.push(first, second);

      // 900 good + all bad over HTTP (NDJSON, bad ones interleaved), 100 good over the WebSocket.
      const lines = good.slice(0, 900).map((m) => JSON.stringify(m));
      bad.forEach((b, i) => lines.splice(i * 18 + 7, 0, b));
      let accepted = 0;
      let rejected = 0;
      for (let i = 0; i < lines.length; i += 190) {
        const res = await fetch(`${pulse.url}/api/ingest`, {
          method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: lines.slice(i, i + 190).join('\n'),
        });
        assert.equal(res.status, 202);
        const body = (await res.json()) as { accepted: number; rejected: Array<{ index: number; reason: string }> };
        accepted += body.accepted;
        rejected += body.rejected.length;
        for (const r of body.rejected) assert.ok(r.reason.length > 0);
      }
      assert.equal(accepted, 900);
      assert.equal(rejected, 50);

      const ws = new WebSocket(`${pulse.url.replace('http', 'ws')}/ws/ingest`);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const acks: Array<{ type: string; frame: number; accepted: number }> = [];
      ws.on('message', (data) => acks.push(JSON.parse(data.toString())));
      ws.send(JSON.stringify(good.slice(900, 950)));
      ws.send(JSON.stringify(good.slice(950)));
      await waitFor(() => acks.length === 2, 10_000);
      ws.close();
      assert.deepEqual(acks.map((a) => [a.type, a.frame, a.accepted]), [['ack', 1, 50], ['ack', 2, 50]]);

      const total = async () => {
        const res = await fetch(`${pulse.url}/api/stats?from=${from}&bucket=1h`);
        const body = (await res.json()) as { buckets: Array<{ count: number } & Record<Label, number>> };
        return body.buckets.reduce(
          (s, b) => ({ count: s.count + b.count, negative: s.negative + b.negative, neutral: s.neutral + b.neutral, positive: s.positive + b.positive }),
          { count: 0, negative: 0, neutral: 0, positive: 0 },
        );
      };
      await waitFor(async () => (await total()).count >= 1000, 90_000);
      assert.equal(inserts >= 2, true, 'the victim wrote its batch before dying');
      // Redelivery must have happened (the victim's written batch came back) and counted nothing twice.
      await waitFor(async () => (await pulse.bus.lag('pulse-classifier', Topics.raw)) === 0, 30_000);
      const totals = await total();
      assert.equal(totals.count, 1000);
      const duplicates = (await pulse.metrics.classified.get()).values.find((v) => v.labels.result === 'duplicate')?.value ?? 0;
      assert.ok(duplicates > 0, 'the batch written before the kill was delivered again and recognised');

      // The stored labels are the model's labels for these texts as ingest stores them (decoded: lib/text/decode.ts).
      const stored = good.map((m) => {
        const normalized = normalizeIncoming(m);
        assert.ok(normalized.ok);
        return normalized.value.text;
      });
      const expected = { negative: 0, neutral: 0, positive: 0 };
      for (const p of await pool.classify(stored)) expected[p.label]++;
      assert.deepEqual({ negative: totals.negative, neutral: totals.neutral, positive: totals.positive }, expected);

      // Per source, and through the paginated messages API: every id once.
      const twitter = (await (await fetch(`${pulse.url}/api/stats?from=${from}&bucket=1h&source=twitter`)).json()) as { buckets: Array<{ count: number }> };
      assert.equal(twitter.buckets.reduce((s, b) => s + b.count, 0), 500);
      const ids = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = (await (await fetch(`${pulse.url}/api/messages?limit=300${cursor ? `&cursor=${cursor}` : ''}`)).json()) as {
          messages: Array<{ id: string; label: Label; probs: Record<Label, number> }>; nextCursor?: string;
        };
        for (const m of page.messages) {
          assert.ok(!ids.has(m.id), `${m.id} listed twice`);
          ids.add(m.id);
        }
        cursor = page.nextCursor;
      } while (cursor);
      assert.equal(ids.size, 1000);
    });

    it('puts exactly the 50 bad messages on the DLQ, each with its reason and payload, listed at /api/dlq', async () => {
      type Page = { deadLetters: Array<DeadLetter & { key: string }>; nextCursor?: string };
      // The server's recorder copies pulse.dlq into the store; the API pages through it.
      await waitFor(async () => ((await (await fetch(`${pulse.url}/api/dlq?limit=500`)).json()) as Page).deadLetters.length >= 50, 20_000);
      const letters: Page['deadLetters'] = [];
      let cursor: string | undefined;
      do {
        const page = (await (await fetch(`${pulse.url}/api/dlq?stage=ingest&limit=20${cursor ? `&cursor=${cursor}` : ''}`)).json()) as Page;
        letters.push(...page.deadLetters);
        cursor = page.nextCursor;
      } while (cursor);
      assert.equal(letters.length, 50);
      assert.equal(new Set(letters.map((l) => l.key)).size, 50);
      assert.deepEqual([...letters].sort((a, b) => b.at.localeCompare(a.at)).map((l) => l.at), letters.map((l) => l.at), 'newest first');
      for (const l of letters) {
        assert.equal(l.stage, 'ingest');
        assert.ok(l.reason.length > 0 && !Number.isNaN(Date.parse(l.at)));
      }
      const payloads = new Set(letters.map((l) => (typeof l.payload === 'string' ? l.payload : JSON.stringify(l.payload))));
      for (const b of bad) assert.ok(payloads.has(b), `missing from the DLQ: ${b.slice(0, 60)}`);
      assert.equal(letters.filter((l) => /invalid JSON/.test(l.reason)).length, 25);
    });

    it('reports health and metrics', async () => {
      type Health = { status: string; lag: number | null };
      let health: Health | undefined;
      // Health reads the process's one lag reader, whose latest reading may be a poll interval old.
      await waitFor(async () => (health = (await (await fetch(`${pulse.url}/api/health`)).json()) as Health).lag === 0, 5_000, 100);
      assert.equal(health?.status, 'ok');
      const metrics = await (await fetch(`${pulse.url}/metrics`)).text();
      // Every message was inserted exactly once: by the victim in its last batch, or by a batch
      // that completed. Redeliveries (the victim's batch, and on Kafka any rebalance) are duplicates.
      const stored = Number(/pulse_classifier_messages_total\{result="stored"\} (\d+)/.exec(metrics)?.[1]);
      assert.equal(stored + writtenByVictim, 1000);
      assert.match(metrics, /pulse_classifier_messages_total\{result="duplicate"\} [1-9]/);
      assert.match(metrics, /pulse_ingest_messages_total\{result="rejected"\} 50/);
      assert.match(metrics, /pulse_classifier_batch_duration_seconds_count/);
      for (const stage of ClassifyStages) assert.match(metrics, new RegExp(`pulse_classifier_stage_duration_seconds_count\\{stage="${stage}"\\} [1-9]`));
    });
  });
}
