/**
 * An embedded store killed between an insert's two writes (the rows, then the materialized
 * view's aggregate) is mended at the next open: stats count every stored message once.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { ScoredMessage } from '../../lib/message.ts';
import { openStore } from '../../lib/store/index.ts';
import { ChdbClient } from '../../lib/store/chdb.ts';
import type { Label } from '../../lib/sentiment.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-repair-'));
after(() => fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 }));

const base = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const labels: Label[] = ['negative', 'neutral', 'positive'];

function message(i: number, streams: string[] = []): ScoredMessage {
  const label = labels[i % 3]!;
  const probs = { negative: label === 'negative' ? 0.8 : 0.1, neutral: label === 'neutral' ? 0.8 : 0.1, positive: label === 'positive' ? 0.8 : 0.1 };
  return {
    id: `m${i}`, ts: new Date(base + i * 250).toISOString(), receivedAt: new Date(base + i * 250).toISOString(),
    source: 'repair', text: `message ${i}`, label, confidence: 0.8, probs, score: probs.positive - probs.negative,
    model: 'test', streams, classifiedAt: new Date().toISOString(),
  };
}

const statsRange = { from: new Date(base - 1000), to: new Date(base + 60_000), bucket: '1m' as const };

describe('sentiment_1s repair at open (chdb)', () => {
  it('counts rows whose aggregate part was never written, once, and leaves a whole aggregate alone', async () => {
    let store = await openStore({ kind: 'chdb', dataDir, retentionDays: 30 });
    await store.messages.insert(Array.from({ length: 20 }, (_, i) => message(i, i % 2 ? ['acme'] : [])));
    await store.close();

    // The process "died" after the rows were written and before the view's part was: the
    // aggregate lost them all; a later insert (after the restart) was counted as usual.
    const client = ChdbClient.open(dataDir);
    await client.command('TRUNCATE TABLE sentiment_1s');
    await client.close();

    store = await openStore({ kind: 'chdb', dataDir, retentionDays: 30 });
    await store.messages.insert([message(20), message(21, ['acme'])]);
    const all = await store.stats.buckets({ ...statsRange });
    assert.equal(all.reduce((n, p) => n + p.count, 0), 22);
    assert.deepEqual(
      [all.reduce((n, p) => n + p.negative, 0), all.reduce((n, p) => n + p.neutral, 0), all.reduce((n, p) => n + p.positive, 0)],
      [8, 7, 7],
    );
    const acme = await store.stats.buckets({ ...statsRange, stream: 'acme' });
    assert.equal(acme.reduce((n, p) => n + p.count, 0), 11);
    await store.close();

    // Opening again finds nothing to mend: no count grows twice.
    store = await openStore({ kind: 'chdb', dataDir, retentionDays: 30 });
    const again = await store.stats.buckets({ ...statsRange });
    assert.equal(again.reduce((n, p) => n + p.count, 0), 22);
    await store.close();
  });
});
