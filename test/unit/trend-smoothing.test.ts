/**
 * The trend's smoothing (app/lib/trend-smoothing.ts): every point pools neighbouring buckets
 * until they hold ≥ 30 messages, weighted by messages, nearer neighbours first, never across a
 * break; at 1,000 msgs/s a point is its own bucket, at 20 msgs/s two, at 2 msgs/s fifteen.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LivePoint } from '../../lib/contracts/live.ts';
import { MinMessagesPerPoint, pools } from '../../app/lib/trend-smoothing.ts';

const start = Date.parse('2026-03-05T10:00:00.000Z');
const s = (seconds: number) => start + seconds * 1000;
/** A bucket at `second` with `n` messages split as given (default: all neutral, score 0). */
function bucket(second: number, n: number, split: Partial<Pick<LivePoint, 'negative' | 'neutral' | 'positive' | 'meanScore'>> = {}): LivePoint {
  return { t: new Date(s(second)).toISOString(), count: n, negative: 0, neutral: n, positive: 0, meanScore: 0, ...split };
}
/** `n` messages in each of `seconds` consecutive 1-s buckets from second 0. */
const steady = (n: number, seconds: number) => Array.from({ length: seconds }, (_, i) => bucket(i, n));

describe('trend smoothing', () => {
  it('needs 30 messages a point', () => assert.equal(MinMessagesPerPoint, 30));

  it('at 1,000 msgs/s pools nothing: each point is its own bucket', () => {
    const out = pools(steady(1000, 5), 1000);
    assert.deepEqual(out.map((p) => [p!.from, p!.to, p!.count]), [0, 1, 2, 3, 4].map((i) => [s(i), s(i + 1), 1000]));
  });

  it('at 20 msgs/s pools two buckets: the earlier neighbour on a tie, the only one at an edge', () => {
    const out = pools(steady(20, 5), 1000);
    assert.deepEqual(out.map((p) => [(p!.from - start) / 1000, (p!.to - start) / 1000, p!.count]), [[0, 2, 40], [0, 2, 40], [1, 3, 40], [2, 4, 40], [3, 5, 40]]);
  });

  it('at 2 msgs/s widens to 15 buckets, centred inside the window and looking back at its end', () => {
    const out = pools(steady(2, 60), 1000);
    assert.deepEqual([out[30]!.from, out[30]!.to, out[30]!.count], [s(23), s(38), 30]);
    assert.deepEqual([out[59]!.from, out[59]!.to, out[59]!.count], [s(45), s(60), 30]);
    assert.deepEqual([out[0]!.from, out[0]!.to, out[0]!.count], [s(0), s(15), 30]);
  });

  it('weighs buckets by their messages, not one bucket one vote', () => {
    const [first] = pools([bucket(0, 1, { neutral: 0, positive: 1, meanScore: 1 }), bucket(1, 29, { neutral: 0, negative: 29, meanScore: -1 })], 1000);
    assert.deepEqual(first, { from: s(0), to: s(2), count: 30, negative: 29, neutral: 0, positive: 1, meanScore: -28 / 30 });
  });

  it('takes the nearer neighbour in time first, over empty buckets', () => {
    const out = pools([bucket(0, 10), bucket(1, 10), bucket(5, 10)], 1000);
    assert.deepEqual(out.map((p) => [(p!.from - start) / 1000, (p!.to - start) / 1000]), [[0, 6], [0, 6], [0, 6]]);
    // The middle point had a neighbour 1 s to its left and 4 s to its right: with 20 messages needed it stops at the left one.
    const two = pools([bucket(0, 10), bucket(1, 10), bucket(5, 10)], 1000, new Set(), 20);
    assert.deepEqual(two.map((p) => [(p!.from - start) / 1000, (p!.to - start) / 1000]), [[0, 2], [0, 2], [1, 6]]);
  });

  it('never pools across a break, and has no point where a stretch holds too few', () => {
    const points = [...steady(10, 3), bucket(100, 20), bucket(101, 20)];
    const out = pools(points, 1000, new Set([2]));
    assert.deepEqual(out.slice(0, 3).map((p) => [p!.from, p!.to, p!.count]), [[s(0), s(3), 30], [s(0), s(3), 30], [s(0), s(3), 30]]);
    assert.deepEqual(out.slice(3).map((p) => [p!.from, p!.to, p!.count]), [[s(100), s(102), 40], [s(100), s(102), 40]]);
    const short = pools([bucket(0, 10), bucket(100, 25)], 1000, new Set([0]));
    assert.deepEqual(short, [null, null]);
  });

  it('has no point at all for a series of fewer than 30 messages', () => {
    assert.deepEqual(pools(steady(1, 29), 1000), Array(29).fill(null));
    assert.deepEqual(pools([], 1000), []);
  });
});
