import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveAggregator } from '../../lib/live/aggregator.ts';
import { AllStreamsId } from '../../lib/contracts/api.ts';
import { LiveTextChars, type LivePoint } from '../../lib/contracts/live.ts';
import { matchesFilter, RateBudget, Reservoir, spread, toLiveMessage } from '../../lib/live/sampling.ts';
import type { ScoredMessage } from '../../lib/message.ts';
import { predictionFromProbs, type Label } from '../../lib/sentiment.ts';

const t0 = Date.parse('2026-11-23T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const probsOf: Record<Label, { negative: number; neutral: number; positive: number }> = {
  negative: { negative: 0.8, neutral: 0.1, positive: 0.1 },
  neutral: { negative: 0.1, neutral: 0.8, positive: 0.1 },
  positive: { negative: 0.1, neutral: 0.1, positive: 0.8 },
};

let nextId = 0;
function msg(at: number, label: Label, extra: Partial<ScoredMessage> = {}): ScoredMessage {
  return {
    id: `m${nextId++}`, ts: iso(at), receivedAt: iso(at), source: 'web', text: 'some text',
    ...predictionFromProbs(probsOf[label]), model: 'test', streams: [], classifiedAt: iso(at), ...extra,
  };
}

const point = (t: number, counts: Partial<Record<Label, number>>, meanScore: number): LivePoint => {
  const { negative = 0, neutral = 0, positive = 0 } = counts;
  return { t: iso(t), count: negative + neutral + positive, negative, neutral, positive, meanScore };
};

/** Mean scores are sums of floats: compare them to 1e-9. */
function assertPoints(actual: LivePoint[] | undefined, expected: LivePoint[]): void {
  assert.ok(actual, 'points present');
  const rounded = (points: LivePoint[]) => points.map((p) => ({ ...p, meanScore: Math.round(p.meanScore * 1e9) / 1e9 }));
  assert.deepEqual(rounded(actual), rounded(expected));
}

describe('LiveAggregator', () => {
  it('hands over per-second increments since the previous flush, under * and every matched stream', () => {
    const agg = new LiveAggregator();
    agg.add(msg(t0 + 100, 'positive', { streams: ['acme'] }), t0 + 500);
    agg.add(msg(t0 + 900, 'negative'), t0 + 950);
    agg.add(msg(t0 + 1500, 'neutral', { streams: ['acme', 'acme'] }), t0 + 1600);
    const first = agg.flush(t0 + 1600).points({ streams: [AllStreamsId, 'acme', 'other'] });
    assertPoints(first.get(AllStreamsId), [point(t0, { positive: 1, negative: 1 }, 0), point(t0 + 1000, { neutral: 1 }, 0)]);
    // A stream listed twice by a message still counts it once.
    assertPoints(first.get('acme'), [point(t0, { positive: 1 }, 0.7), point(t0 + 1000, { neutral: 1 }, 0)]);
    assert.equal(first.has('other'), false, 'streams without changes are left out');

    // Only what changed since: one more message in the second that already had two.
    agg.add(msg(t0 + 200, 'positive'), t0 + 1700);
    const second = agg.flush(t0 + 1700).points({ streams: [AllStreamsId] });
    assertPoints(second.get(AllStreamsId), [point(t0, { positive: 1 }, 0.7)]);
    assert.ok(agg.flush(t0 + 1800).empty, 'nothing new, nothing to send');
  });

  it('filters by source, summing the chosen sources', () => {
    const agg = new LiveAggregator();
    agg.add(msg(t0, 'positive', { source: 'a' }), t0);
    agg.add(msg(t0, 'negative', { source: 'b' }), t0);
    agg.add(msg(t0, 'negative', { source: 'c' }), t0);
    const delta = agg.flush(t0);
    assertPoints(delta.points({ streams: [AllStreamsId], sources: ['a'] }).get(AllStreamsId), [point(t0, { positive: 1 }, 0.7)]);
    assertPoints(delta.points({ streams: [AllStreamsId], sources: ['a', 'b'] }).get(AllStreamsId), [point(t0, { positive: 1, negative: 1 }, 0)]);
    assert.equal(delta.points({ streams: [AllStreamsId], sources: ['nobody'] }).size, 0);
    assertPoints(delta.points({ streams: [AllStreamsId] }).get(AllStreamsId), [point(t0, { positive: 1, negative: 2 }, (0.7 - 1.4) / 3)]);
  });

  it('counts a redelivered message once, remembering at least the latest dedupIds / 2 ids', () => {
    const agg = new LiveAggregator({ dedupIds: 4 });
    const batch = [msg(t0, 'positive'), msg(t0, 'negative')];
    for (const m of batch) assert.equal(agg.add(m, t0), 'added');
    for (const m of batch) assert.equal(agg.add({ ...m }, t0 + 10), 'duplicate', 'the same batch published again');
    assertPoints(agg.flush(t0 + 10).points({ streams: [AllStreamsId] }).get(AllStreamsId), [point(t0, { positive: 1, negative: 1 }, 0)]);
    // Memory stays bounded: long after, the oldest ids are forgotten.
    for (let i = 0; i < 4; i++) agg.add(msg(t0, 'neutral'), t0);
    assert.equal(agg.add({ ...batch[0]! }, t0), 'added');
  });

  it('keeps a 30-s moving average of the mean score and the volume of the last complete second', () => {
    const agg = new LiveAggregator();
    assert.deepEqual(agg.now(AllStreamsId, undefined, t0), { movingAverage: null, volume: 0 });
    agg.add(msg(t0 - 40_000, 'negative'), t0); // older than 30 s: outside the average
    agg.add(msg(t0 - 29_000, 'positive'), t0);
    agg.add(msg(t0 - 1000, 'positive'), t0);
    agg.add(msg(t0 - 500, 'neutral', { source: 'b' }), t0);
    agg.add(msg(t0 + 300, 'negative'), t0 + 400); // the current second counts in the average
    const now = agg.now(AllStreamsId, undefined, t0 + 400);
    assert.equal(now.volume, 2, 'two messages in [t0 - 1 s, t0)');
    assert.ok(Math.abs(now.movingAverage! - (0.7 + 0.7 + 0 - 0.7) / 4) < 1e-9);
    assert.deepEqual(agg.now(AllStreamsId, ['b'], t0 + 400), { movingAverage: 0, volume: 1 });
    // 29 s later the window has moved past all of them but the newest.
    const later = agg.now(AllStreamsId, undefined, t0 + 29_000);
    assert.ok(Math.abs(later.movingAverage! - -0.7) < 1e-9);
    assert.equal(later.volume, 0);
  });

  it('ignores messages older than the horizon (the store has them) and forgets seconds that leave it', () => {
    const agg = new LiveAggregator({ horizonMs: 60_000 });
    assert.equal(agg.add(msg(t0 - 61_000, 'positive'), t0), 'late');
    assert.equal(agg.add(msg(t0 + 6 * 60_000, 'positive'), t0), 'early', 'beyond the 5 minutes of allowed clock skew');
    assert.equal(agg.add(msg(t0 - 59_000, 'positive'), t0), 'added');
    assert.equal(agg.add(msg(t0 - 59_000, 'positive', { ts: 'not a time' }), t0), 'late');
    assert.ok(agg.flush(t0).points({ streams: [AllStreamsId] }).get(AllStreamsId));
    agg.flush(t0 + 2000); // t0 - 59 s is now past the horizon
    assert.equal(agg.add(msg(t0 - 59_000, 'positive'), t0 + 2000), 'late');
    assert.ok(agg.flush(t0 + 2000).empty);
    assert.throws(() => new LiveAggregator({ horizonMs: 10_000 }), /exceed/);
  });
});

describe('live message sampling', () => {
  it('takes at most rate per second, with bursts of a tenth of a second', () => {
    const budget = new RateBudget(20, t0);
    assert.equal(budget.take(100, t0), 2);
    assert.equal(budget.take(100, t0 + 50), 1);
    let got = 0;
    for (let t = t0 + 100; t <= t0 + 10_100; t += 100) got += budget.take(100, t);
    assert.ok(got >= 199 && got <= 201, `${got} in 10 s`);
    const idle = new RateBudget(20, t0);
    assert.equal(idle.take(100, t0 + 60_000), 2, 'an idle client does not save up a flood');
    assert.equal(new RateBudget(0, t0).take(5, t0 + 1000), 0);
  });

  it('spreads a sample over a tick and keeps a bounded uniform reservoir', () => {
    assert.deepEqual(spread([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3), [1, 4, 7]);
    assert.deepEqual(spread([1, 2], 5), [1, 2]);
    assert.deepEqual(spread([1, 2], 0), []);
    const r = new Reservoir<number>(10);
    for (let i = 0; i < 10_000; i++) r.offer(i);
    const kept = r.drain();
    assert.equal(kept.length, 10);
    assert.ok(kept.some((i) => i >= 5000), 'late items get in too');
    assert.deepEqual(r.drain(), []);
  });

  it('matches a message against streams and sources, and trims it for the list', () => {
    const m = msg(t0, 'positive', { streams: ['acme'], source: 'web', text: `${'x'.repeat(LiveTextChars - 1)}😀tail` });
    assert.ok(matchesFilter(m, { streams: [AllStreamsId] }));
    assert.ok(matchesFilter(m, { streams: ['other', 'acme'], sources: ['web'] }));
    assert.ok(!matchesFilter(m, { streams: ['other'] }));
    assert.ok(!matchesFilter(m, { streams: [AllStreamsId], sources: ['app'] }));
    const live = toLiveMessage(m);
    assert.equal(live.truncated, true);
    assert.equal(live.text, 'x'.repeat(LiveTextChars - 1), 'never half an emoji');
    assert.deepEqual(Object.keys(live).sort(), ['confidence', 'id', 'label', 'probs', 'score', 'source', 'streams', 'text', 'truncated', 'ts']);
    assert.equal(toLiveMessage(msg(t0, 'neutral')).truncated, false);
  });
});
