/**
 * The period comparison's words: the KPI cards' and the comparison table's deltas, the filtered
 * throughput, the table's shares of voice and the comparison page's URL.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ShareResponse, ShareTotals } from '../../lib/contracts/api.ts';
import { compareQuery, overviewHref, parseCompareView } from '../../app/lib/compare-view.ts';
import { countDelta, scoreDelta, shareDelta } from '../../app/lib/period-delta.ts';
import type { Series } from '../../app/lib/series.ts';
import { shareRows } from '../../app/lib/share-rows.ts';
import { filteredRate } from '../../app/lib/throughput.ts';

describe('period deltas', () => {
  it('counts: whole percent with an arrow, from 0 said in words', () => {
    assert.deepEqual(countDelta(112, 100), { text: '▲ 12 %', direction: 'up', tone: 'neutral' });
    assert.deepEqual(countDelta(97, 100, 'up'), { text: '▼ 3 %', direction: 'down', tone: 'worse' });
    assert.deepEqual(countDelta(97, 100, 'down'), { text: '▼ 3 %', direction: 'down', tone: 'better' });
    assert.deepEqual(countDelta(5, 0), { text: '▲ from 0', direction: 'up', tone: 'neutral' });
    assert.deepEqual(countDelta(0, 0, 'up'), { text: '= 0 %', direction: 'flat', tone: 'neutral' });
    assert.deepEqual(countDelta(0, 40), { text: '▼ 100 %', direction: 'down', tone: 'neutral' });
    // A change that rounds to 0 % is flat: never "▲ 0 %".
    assert.deepEqual(countDelta(1001, 1000, 'up'), { text: '= 0 %', direction: 'flat', tone: 'neutral' });
  });

  it('shares: percentage points to one decimal, toned by which way is good news', () => {
    assert.deepEqual(shareDelta({ part: 30, whole: 100 }, { part: 20, whole: 80 }, 'down'), { text: '▲ 5.0 pp', direction: 'up', tone: 'worse' });
    assert.deepEqual(shareDelta({ part: 30, whole: 100 }, { part: 20, whole: 80 }, 'up'), { text: '▲ 5.0 pp', direction: 'up', tone: 'better' });
    assert.deepEqual(shareDelta({ part: 1, whole: 3 }, { part: 1, whole: 2 }, null), { text: '▼ 16.7 pp', direction: 'down', tone: 'neutral' });
    assert.deepEqual(shareDelta({ part: 1, whole: 4 }, { part: 1, whole: 4 }, 'up'), { text: '= 0.0 pp', direction: 'flat', tone: 'neutral' });
    assert.equal(shareDelta({ part: 0, whole: 0 }, { part: 1, whole: 4 }, 'up'), null);
    assert.equal(shareDelta({ part: 1, whole: 4 }, { part: 0, whole: 0 }, 'up'), null);
  });

  it('mean scores: a signed difference to two decimals, up is better', () => {
    assert.deepEqual(scoreDelta(0.25, 0.17), { text: '▲ +0.08', direction: 'up', tone: 'better' });
    assert.deepEqual(scoreDelta(-0.3, -0.1), { text: '▼ −0.20', direction: 'down', tone: 'worse' });
    assert.deepEqual(scoreDelta(0.1, 0.104), { text: '= ±0.00', direction: 'flat', tone: 'neutral' });
    assert.equal(scoreDelta(null, 0.1), null);
    assert.equal(scoreDelta(0.1, null), null);
  });
});

describe('filtered throughput', () => {
  const point = (t: number, count: number) => ({ t: new Date(t).toISOString(), count, negative: 0, neutral: count, positive: 0, meanScore: 0 });
  const base = 1_700_000_000_000;

  it('a live window: the last 30 s of 1-s buckets', () => {
    const series: Series = {
      from: base - 300_000, to: base, bucket: '1s', live: true, movingAverage: null, volume: null,
      points: [point(base - 200_000, 90), point(base - 30_000, 3), point(base - 1_000, 3)],
    };
    assert.deepEqual(filteredRate(series), { perSecond: 0.2, over: 'last 30 s' });
  });

  it('a live day of 5-min buckets: the last whole bucket and the one under way', () => {
    const to = Math.floor(base / 300_000) * 300_000 + 120_000; // 2 min into a bucket
    const series: Series = {
      from: to - 86_400_000, to, bucket: '5m', live: true, movingAverage: null, volume: null,
      points: [point(to - 720_000, 1000), point(to - 420_000, 420), point(to - 120_000, 0)],
    };
    assert.deepEqual(filteredRate(series), { perSecond: 1, over: 'last 7 min' });
  });

  it('a fixed range: its average', () => {
    const series: Series = { from: base - 60_000, to: base, bucket: '1s', live: false, movingAverage: null, volume: null, points: [point(base - 50_000, 30)] };
    assert.deepEqual(filteredRate(series), { perSecond: 0.5, over: 'window average' });
  });
});

describe('share of voice rows', () => {
  const totals = (count: number, meanScore: number | null): ShareTotals => ({ count, negative: 0, neutral: count, positive: 0, meanScore });

  it('shares of the compared streams’ messages, and their changes', () => {
    const answer: ShareResponse = {
      from: '2026-01-01T10:05:00.000Z', to: '2026-01-01T10:10:00.000Z', previousFrom: '2026-01-01T10:00:00.000Z', bucket: '10s',
      streams: [
        { stream: 'a', totals: totals(30, 0.2), previous: totals(10, 0.1), buckets: [] },
        { stream: 'b', totals: totals(10, null), previous: totals(10, -0.1), buckets: [] },
      ],
    };
    const rows = shareRows(answer);
    assert.deepEqual(rows.map((r) => [r.stream, r.share, r.messagesChange.text, r.shareChange?.text, r.scoreChange?.text ?? null]), [
      ['a', 75, '▲ 200 %', '▲ 25.0 pp', '▲ +0.10'],
      ['b', 25, '= 0 %', '▼ 25.0 pp', null],
    ]);
    assert.equal(rows[0]!.shareChange!.tone, 'neutral', 'more voice is neither good nor bad news');
    assert.deepEqual(shareRows({ ...answer, streams: [{ stream: 'a', totals: totals(0, null), previous: totals(0, null), buckets: [] }] })[0]!.share, null);
  });
});

describe('the comparison page’s URL', () => {
  it('reads and writes streams, window, source and the measure', () => {
    const view = parseCompareView(new URLSearchParams('streams=a,b,a,&window=1h&source=web&show=score'));
    assert.deepEqual(view, { streams: ['a', 'b'], window: '1h', source: 'web', measure: 'score' });
    assert.equal(compareQuery(view), 'streams=a%2Cb&window=1h&source=web&show=score');
    assert.deepEqual(parseCompareView(new URLSearchParams('')), { streams: null, window: '5m', source: null, measure: 'volume' });
    // Every box unticked is not every stream.
    const none = parseCompareView(new URLSearchParams('streams=&window=5m'));
    assert.deepEqual(none.streams, []);
    assert.equal(compareQuery(none), 'streams=&window=5m');
    assert.equal(overviewHref(view, 'a'), '/?window=1h&stream=a&source=web');
  });
});
