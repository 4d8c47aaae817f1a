/**
 * Outages in the trend (app/lib/trend-gaps.ts) and the rows it draws (app/lib/trend-rows.ts): a
 * stretch without messages breaks the line when the rate beside it expected ≥ 10 messages there
 * and it is longer than one bucket; the rows carry one null row inside each outage.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LivePoint } from '../../lib/contracts/live.ts';
import { GapExpectedMessages, GapMinBuckets, outages } from '../../app/lib/trend-gaps.ts';
import { trendRows, typicalPoolMs } from '../../app/lib/trend-rows.ts';

const start = Date.parse('2026-03-05T10:00:00.000Z');
const bucket = (ms: number, n: number): LivePoint => ({ t: new Date(start + ms).toISOString(), count: n, negative: 0, neutral: n, positive: 0, meanScore: 0 });
/** `n` messages in each `bucketMs` bucket at the given bucket indexes. */
const at = (indexes: number[], n: number, bucketMs: number) => indexes.map((i) => bucket(i * bucketMs, n));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('trend gaps', () => {
  it('holds the rule’s numbers', () => assert.deepEqual([GapMinBuckets, GapExpectedMessages], [2, 10]));

  it('breaks a 2 msgs/s stream at a 7-minute outage in the 1-h view (10-s buckets), and nowhere else', () => {
    // 10 minutes at 20 messages a bucket, 42 empty buckets (7 min), 10 more minutes.
    const points = at([...range(0, 60), ...range(102, 162)], 20, 10_000);
    assert.deepEqual([...outages(points, 10_000)], [59]);
  });

  it('does not break a 0.2 msgs/s stream at its ordinary 4-s silences, but does at a minute without messages', () => {
    // One message every 5 s for 5 minutes, then 60 s of nothing, then 5 minutes more.
    const points = at([...range(0, 60).map((i) => i * 5), ...range(0, 60).map((i) => 360 + i * 5)], 1, 1000);
    assert.deepEqual([...outages(points, 1000)], [59]);
  });

  it('takes the slower side’s rate, each measured on its own side: 3 msgs/s after 20 msgs/s breaks at 4 empty seconds, not at 3', () => {
    const around = (empty: number) => [...at(range(0, 10), 20, 1000), ...at(range(10 + empty, 30 + empty), 3, 1000)];
    assert.deepEqual([...outages(around(3), 1000)], []);
    assert.deepEqual([...outages(around(4), 1000)], [9]);
  });

  it('at 1,000 msgs/s breaks at two empty seconds, not at one', () => {
    const points = at([0, 1, 3, 4, 7, 8], 1000, 1000);
    assert.deepEqual([...outages(points, 1000)], [3]);
  });

  it('judges a series too small for a pool by its overall rate', () => {
    // 4 messages over 40 s (0.1/s): a 30-s silence expects 3, not an outage; 5 messages over 1,000 s do not make one either.
    assert.deepEqual([...outages(at([0, 1, 2, 39], 1, 1000), 1000)], []);
    assert.deepEqual([...outages(at([0], 1, 1000), 1000)], []);
  });

  it('draws one null row inside each outage, and pools only within its side', () => {
    const points = at([0, 1, 2, 10, 11], 15, 1000);
    const rows = trendRows(points, 1000);
    assert.deepEqual(rows.map((r) => [(r.t - start) / 1000, r.bucket?.count ?? null, r.pool ? [(r.pool.from - start) / 1000, (r.pool.to - start) / 1000] : null]), [
      [0, 15, [0, 2]],
      [1, 15, [0, 2]],
      [2, 15, [1, 3]],
      [3, null, null],
      [10, 15, [10, 12]],
      [11, 15, [10, 12]],
    ]);
    assert.equal(typicalPoolMs(rows), 2000);
    assert.equal(typicalPoolMs(trendRows(at([0], 1, 1000), 1000)), null);
  });
});
