/**
 * What the trend chart is handed (app/lib/trend-datasets.ts, trend-note.ts, trend-measure.ts):
 * at 2, 20 and 1,000 msgs/s the line's points rest on ≥ 30 messages over the raw buckets, one
 * measure on one axis, the note says what a point is, and `trend=` lives beside the view's query.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LivePoint } from '../../lib/contracts/live.ts';
import { trendDatasets, type TrendPoint } from '../../app/lib/trend-datasets.ts';
import { parseTrendParam, TrendParams, trendQuery } from '../../app/lib/trend-measure.ts';
import { trendNote } from '../../app/lib/trend-note.ts';
import { trendRows } from '../../app/lib/trend-rows.ts';
import { replaceParams } from '../../app/lib/url-params.ts';
import { ViewParams, viewQuery } from '../../app/lib/view.ts';

const start = Date.parse('2026-03-05T10:00:00.000Z');
/** `rate` messages a second for `seconds` 1-s buckets: a quarter negative, a quarter positive, the rest neutral. */
function stream(rate: number, seconds: number): LivePoint[] {
  return Array.from({ length: seconds }, (_, i) => ({
    t: new Date(start + i * 1000).toISOString(),
    count: rate,
    negative: rate / 4,
    neutral: rate / 2,
    positive: rate / 4,
    meanScore: 0.25,
  }));
}
const lines = (rate: number, measure: 'share' | 'score' = 'share') => trendDatasets(trendRows(stream(rate, 60), 1000), measure, 1000);
const drawn = (data: TrendPoint[]) => data.filter((p) => p.y !== null);

describe('trend lines', () => {
  for (const [rate, seconds] of [[2, 15], [20, 2], [1000, 1]] as const) {
    it(`at ${rate} msgs/s: every point of a line rests on ≥ 30 messages, pooled over ${seconds} s; a dot per bucket`, () => {
      const sets = lines(rate);
      assert.deepEqual(sets.map((d) => d.label), ['Negative %, one bucket', 'Neutral %, one bucket', 'Positive %, one bucket', 'Negative %', 'Neutral %', 'Positive %']);
      for (const raw of sets.slice(0, 3)) {
        assert.equal(raw.showLine, false);
        assert.deepEqual(raw.data.map((p) => p.messages), Array(60).fill(rate));
      }
      for (const line of sets.slice(3)) {
        assert.equal(drawn(line.data).length, 60);
        assert.ok(line.data.every((p) => p.messages >= 30 && p.to - p.from === seconds * 1000), JSON.stringify(line.data[30]));
      }
      assert.deepEqual(sets.slice(3).map((d) => d.data[30]!.y), [25, 50, 25]);
    });
  }

  it('shows the mean score alone when asked: one line and its dots', () => {
    const sets = lines(20, 'score');
    assert.deepEqual(sets.map((d) => d.label), ['Mean score, one bucket', 'Mean score']);
    assert.deepEqual(drawn(sets[1]!.data).map((p) => p.y), Array(60).fill(0.25));
  });

  it('breaks the line and the dots at an outage', () => {
    const points = [...stream(20, 30), ...stream(20, 30).map((p) => ({ ...p, t: new Date(Date.parse(p.t) + 90_000).toISOString() }))];
    const sets = trendDatasets(trendRows(points, 1000), 'share', 1000);
    const hole = sets[3]!.data.findIndex((p) => p.y === null);
    assert.equal(sets[3]!.data[hole]!.x, start + 30_000);
    assert.equal(sets[0]!.data[hole]!.y, null);
    assert.equal(sets[3]!.data.filter((p) => p.y === null).length, 1);
  });

  it('says what a point is', () => {
    assert.equal(trendNote(trendRows(stream(2, 60), 1000), '1s', 1000), 'Each point of a line: ≥ 30 messages, about 15 s; dots: one 1s bucket each.');
    assert.equal(trendNote(trendRows(stream(1000, 60), 1000), '1s', 1000), 'Each point of a line: one 1s bucket, ≥ 30 messages; dots: one 1s bucket each.');
    assert.equal(trendNote(trendRows(stream(1, 20), 1000), '1s', 1000), 'Too few messages for a line (a point needs ≥ 30); dots: one 1s bucket each.');
  });

  it('keeps trend= beside the view’s parameters', () => {
    const query = 'window=1h&trend=score&source=airline';
    assert.equal(parseTrendParam(new URLSearchParams(query)), 'score');
    assert.equal(replaceParams(query, trendQuery('share'), TrendParams), 'window=1h&source=airline&trend=share');
    assert.equal(parseTrendParam(new URLSearchParams('trend=bogus')), 'share');
  });

  it('keeps trend= when the view changes', () => {
    const query = 'window=5m&stream=acme&trend=score';
    const view = viewQuery({ window: '1h', stream: null, source: 'rail' });
    assert.equal(replaceParams(query, view, ViewParams), 'trend=score&window=1h&source=rail');
    assert.equal(replaceParams(query, 'status=open'), 'status=open');
  });
});
