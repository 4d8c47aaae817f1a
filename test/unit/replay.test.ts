import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isPulseError } from '../../lib/errors.ts';
import { loadReplayRows, runReplay, type OutgoingMessage } from '../../lib/ingest/replay.ts';

describe('replay', () => {
  it('reads JSONL, CSV and TSV files with a text column and optional label and source', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-replay-'));
    fs.writeFileSync(path.join(dir, 'a.jsonl'), '{"text":"hi","label":"positive","source":"x"}\n{"text":""}\n{"text":"yo"}\n');
    fs.writeFileSync(path.join(dir, 'b.csv'), 'sentiment,text\nnegative,"bad, really"\n');
    fs.writeFileSync(path.join(dir, 'c.tsv'), 'text\tother\nplain\t1\n');
    assert.deepEqual(loadReplayRows(dir, path.join(dir, 'a.jsonl')), [{ text: 'hi', label: 'positive', source: 'x' }, { text: 'yo' }]);
    assert.deepEqual(loadReplayRows(dir, path.join(dir, 'b.csv')), [{ text: 'bad, really', label: 'negative' }]);
    assert.deepEqual(loadReplayRows(dir, path.join(dir, 'c.tsv')), [{ text: 'plain' }]);
    fs.writeFileSync(path.join(dir, 'd.csv'), 'body\nno text column\n');
    assert.throws(() => loadReplayRows(dir, path.join(dir, 'd.csv')), (e) => isPulseError(e, 'DATASET_INVALID'));
    assert.throws(() => loadReplayRows(dir, path.join(dir, 'missing.jsonl')), (e) => isPulseError(e, 'DATASET_NOT_FOUND'));
  });

  it('paces messages at the requested rate, loops and keeps the human label in meta', async () => {
    const sent: Array<[number, OutgoingMessage]> = [];
    const started = Date.now();
    const n = await runReplay({
      rows: [{ text: 'a', label: 'positive' }, { text: 'b' }], dataset: 'toy', rate: 50, loop: true, limit: 20, source: 'demo',
      send: async (batch) => void sent.push(...batch.map((m) => [Date.now() - started, m] as [number, OutgoingMessage])),
    });
    assert.equal(n, 20);
    assert.deepEqual(sent.slice(0, 3).map(([, m]) => m.text), ['a', 'b', 'a']);
    assert.deepEqual(sent[0]![1], { source: 'demo', text: 'a', meta: { dataset: 'toy', label: 'positive' } });
    // Never ahead of the rate: the k-th message (from 0) leaves no earlier than k / 50 s.
    sent.forEach(([at], k) => assert.ok(at >= (k - 1) * 20, `message ${k} sent at ${at} ms`));
  });

  it('retries a failed send instead of skipping its messages', async () => {
    const sent: string[] = [];
    let failures = 2;
    await runReplay({
      rows: [{ text: 'a' }, { text: 'b' }, { text: 'c' }], dataset: 'toy', rate: 1000, loop: false,
      send: async (batch) => {
        if (failures-- > 0) throw new Error('server down');
        sent.push(...batch.map((m) => m.text));
      },
    });
    assert.deepEqual(sent, ['a', 'b', 'c']);
  });
});
