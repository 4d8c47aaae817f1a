/**
 * Filters that behave (issue 15 item 4), the parts without a server: the view's URL round trip,
 * the empty notice's words, and source matching without regard to case in the live counters,
 * the live feed's filter and keyword streams (matcher and preview).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyNoticeText, filtersOf, withoutFilter } from '../../app/lib/empty-notice.ts';
import { parseView, viewQuery, type View } from '../../app/lib/view.ts';
import { AllStreamsId } from '../../lib/contracts/api.ts';
import { LiveAggregator } from '../../lib/live/aggregator.ts';
import { matchesFilter } from '../../lib/live/sampling.ts';
import type { ScoredMessage } from '../../lib/message.ts';
import { predictionFromProbs } from '../../lib/sentiment.ts';
import { sourceKey } from '../../lib/source-key.ts';
import { compileStreams } from '../../lib/streams/matcher.ts';
import { previewStream } from '../../lib/streams/preview.ts';

const view = (v: Partial<View>): View => ({ window: '5m', stream: null, source: null, ...v });
const roundTrip = (v: View) => parseView(new URLSearchParams(viewQuery(v)));

describe('the view in the URL', () => {
  it('keeps stream, source and window through the query string', () => {
    for (const v of [
      view({}),
      view({ stream: 'acme-launch' }),
      view({ source: 'Airline' }),
      view({ window: '24h', stream: 'acme-launch', source: 'news & blogs / “quoted”' }),
      view({ window: { from: '2025-03-04T23:15:00.000Z', to: '2025-03-05T01:00:00.000Z' }, source: 'airline' }),
    ]) {
      assert.deepEqual(roundTrip(v), v);
    }
  });

  it('keeps the source as typed (matching ignores case, the URL does not rewrite it)', () => {
    assert.equal(parseView(new URLSearchParams('source=%20Airline%20')).source, 'Airline');
    assert.equal(viewQuery(view({ source: 'AirLine' })), 'window=5m&source=AirLine');
  });

  it('drops one filter and keeps the other', () => {
    const both = view({ window: '1h', stream: 'acme', source: 'Airline' });
    assert.deepEqual(filtersOf(both), ['source', 'stream']);
    assert.deepEqual(withoutFilter(both, 'source'), view({ window: '1h', stream: 'acme' }));
    assert.deepEqual(withoutFilter(both, 'stream'), view({ window: '1h', source: 'Airline' }));
    assert.deepEqual(filtersOf(view({})), []);
  });
});

describe('the empty notice', () => {
  it('names the filters and what each one left out', () => {
    const text = emptyNoticeText(view({ stream: 'acme-launch', source: 'Airline' }), 'Acme launch', { source: 390, stream: 1 });
    assert.equal(text.title, 'No messages from source “Airline” in stream “Acme launch” in the last 5 minutes');
    assert.deepEqual(text.sentences, ['390 messages match without the source filter.', '1 message matches without the stream filter.']);
  });

  it('shows the stream id when its name is unknown, and counts with separators', () => {
    const text = emptyNoticeText(view({ window: '24h', stream: 'acme-launch' }), null, { stream: 12_345 });
    assert.equal(text.title, 'No messages in stream “acme-launch” in the last 24 hours');
    assert.deepEqual(text.sentences, ['12,345 messages match without the stream filter.']);
  });

  it('leaves out counts not known yet', () => {
    const text = emptyNoticeText(view({ window: '1h', stream: 's', source: 'web' }), 'S', { source: null });
    assert.equal(text.title, 'No messages from source “web” in stream “S” in the last hour');
    assert.deepEqual(text.sentences, []);
  });

  it('advises another window when no single filter emptied it', () => {
    assert.deepEqual(emptyNoticeText(view({ source: 'web' }), null, { source: 0 }).sentences, [
      'None match without the source filter.',
      'Choose a longer window.',
    ]);
    const custom = view({ window: { from: '2025-03-04T23:15:00.000Z', to: '2025-03-05T01:00:00.000Z' }, source: 'web' });
    const text = emptyNoticeText(custom, null, { source: 0 });
    assert.equal(text.title, 'No messages from source “web” in the custom range');
    assert.equal(text.sentences.at(-1), 'Choose another range.');
  });

  it('never asks whether the replay runs', () => {
    const text = emptyNoticeText(view({ source: 'web' }), null, { source: 0 });
    assert.doesNotMatch([text.title, ...text.sentences].join(' '), /replay/);
  });
});

describe('sources match without regard to case', () => {
  const t0 = Date.parse('2026-11-23T10:00:00.000Z');
  let n = 0;
  const scored = (source: string, streams: string[] = []): ScoredMessage => ({
    id: `m${n++}`, ts: new Date(t0).toISOString(), receivedAt: new Date(t0).toISOString(), source, text: 'acme is late',
    ...predictionFromProbs({ negative: 0.8, neutral: 0.1, positive: 0.1 }), model: 'test', streams, classifiedAt: new Date(t0).toISOString(),
  });

  it('folds names one way', () => {
    assert.equal(sourceKey('AirLine'), 'airline');
    assert.equal(sourceKey('ÉCOLE'), 'école');
  });

  it('in the live counters: spellings of one source are one cell, found by any spelling’s key', () => {
    const aggregator = new LiveAggregator();
    for (const source of ['airline', 'Airline', 'AIRLINE', 'rail']) aggregator.add(scored(source), t0 + 100);
    const delta = aggregator.flush(t0 + 100);
    assert.equal(delta.points({ streams: [AllStreamsId], sources: [sourceKey('Airline')] }).get(AllStreamsId)?.[0]?.count, 3);
    assert.equal(aggregator.now(AllStreamsId, [sourceKey('AIRLINE')], t0 + 1500).volume, 3);
  });

  it('in the live feed', () => {
    assert.ok(matchesFilter(scored('airline'), { streams: [AllStreamsId], sources: [sourceKey('Airline')] }));
    assert.ok(matchesFilter(scored('Airline'), { streams: [AllStreamsId], sources: ['airline'] }));
    assert.ok(!matchesFilter(scored('rail'), { streams: [AllStreamsId], sources: ['airline'] }));
  });

  it('in a keyword stream’s sources', () => {
    const matcher = compileStreams([{ id: 'acme', version: 1, query: 'acme', sources: ['Airline'] }]);
    const raw = (source: string) => ({ id: 'm', ts: new Date(t0).toISOString(), receivedAt: new Date(t0).toISOString(), source, text: 'acme is late' });
    assert.deepEqual(matcher.match(raw('airline')), ['acme']);
    assert.deepEqual(matcher.match(raw('AIRLINE')), ['acme']);
    assert.deepEqual(matcher.match(raw('rail')), []);
  });

  it('in a stream preview', async () => {
    const candidate = (id: string, source: string) => ({ id, ts: new Date(t0).toISOString(), source, text: 'acme is late', label: 'negative' as const, score: -0.7 });
    let asked: readonly string[] = [];
    const preview = await previewStream(
      {
        candidates: async (q) => {
          asked = q.sources;
          return [candidate('a', 'airline'), candidate('b', 'AirLine'), candidate('c', 'rail')];
        },
      },
      { query: 'acme', sources: ['Airline'] },
      { now: t0 + 60_000, hours: 1 },
    );
    assert.deepEqual(asked, ['Airline'], 'the store is asked with the names as typed (its condition ignores case too)');
    assert.deepEqual(preview.sample.map((m) => m.id).sort(), ['a', 'b']);
  });
});
