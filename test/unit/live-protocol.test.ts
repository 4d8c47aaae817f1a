import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bucketStart, ClientEventSchema, MaxSubscribedStreams, mergePoint, resolveWindow, toLiveAlert, windowBucket,
  type ClientEvent, type ClientEvents, type ServerEvent, type ServerEventOf,
} from '../../lib/contracts/live.ts';
import { alertFixture } from '../support/alert-fixture.ts';

const t0 = Date.parse('2026-11-23T10:00:00.000Z');

describe('live protocol: client frames', () => {
  it('accepts every valid frame and keeps its payload', () => {
    const good: ClientEvent[] = [
      { type: 'subscribe', streams: 'all', window: '5m' },
      { type: 'subscribe', streams: ['acme', 'outages'], sources: ['web', 'app'], window: '1h' },
      { type: 'subscribe', streams: ['acme'], window: '24h' },
      { type: 'subscribe', streams: 'all', window: { from: '2026-11-22T10:00:00Z', to: '2026-11-23T10:00:00.000+01:00' } },
      { type: 'unsubscribe' },
    ];
    for (const frame of good) {
      const parsed = ClientEventSchema.safeParse(frame);
      assert.ok(parsed.success, `${JSON.stringify(frame)}: ${parsed.error?.message}`);
      assert.deepEqual(parsed.data, frame);
    }
    // Unknown keys are dropped, not echoed into the server's state.
    assert.deepEqual(ClientEventSchema.parse({ type: 'unsubscribe', extra: 1 }), { type: 'unsubscribe' });
  });

  it('refuses bad frames with a reason that names the field', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{}, /type/],
      ['subscribe', /type|object/],
      [null, /type|object/],
      [{ type: 'hello' }, /type/],
      [{ type: 'subscribe', window: '5m' }, /streams/],
      [{ type: 'subscribe', streams: [], window: '5m' }, /streams/],
      [{ type: 'subscribe', streams: 'some', window: '5m' }, /streams/],
      [{ type: 'subscribe', streams: [''], window: '5m' }, /streams/],
      [{ type: 'subscribe', streams: Array.from({ length: MaxSubscribedStreams + 1 }, (_, i) => `s${i}`), window: '5m' }, /streams/],
      [{ type: 'subscribe', streams: 'all', sources: [], window: '5m' }, /sources/],
      [{ type: 'subscribe', streams: 'all' }, /window/],
      [{ type: 'subscribe', streams: 'all', window: '2h' }, /window/],
      [{ type: 'subscribe', streams: 'all', window: { from: 'yesterday', to: '2026-11-23T10:00:00Z' } }, /window/],
      [{ type: 'subscribe', streams: 'all', window: { from: '2026-11-23T10:00:00Z', to: '2026-11-23T09:00:00Z' } }, /from must be before to/],
      [{ type: 'subscribe', streams: 'all', window: { from: '2020-01-01T00:00:00Z', to: '2026-11-23T09:00:00Z' } }, /longer than 1,000 hours/],
    ];
    for (const [frame, reason] of bad) {
      const parsed = ClientEventSchema.safeParse(frame);
      assert.ok(!parsed.success, `accepted ${JSON.stringify(frame)}`);
      const text = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      assert.match(text, reason, JSON.stringify(frame));
    }
  });
});

describe('live protocol: event maps and helpers', () => {
  it('sends the banner part of an alert: its marker at the time it opened', () => {
    const alert = alertFixture({ id: 'a1', stream: 'acme', severity: 'warning', status: 'acknowledged', openedAt: '2026-11-23T10:00:00.000Z', updatedAt: '2026-11-23T10:00:05.000Z' });
    assert.deepEqual(toLiveAlert(alert), {
      id: 'a1', stream: 'acme', kind: alert.kind, severity: 'warning', direction: alert.direction, status: 'acknowledged', reason: alert.reason,
      at: '2026-11-23T10:00:00.000Z', updatedAt: '2026-11-23T10:00:05.000Z',
    });
  });

  it('derives the wire unions from the event maps (checked by tsc)', () => {
    // Each event of the map is a member of the union with its payload; a renamed or changed
    // field fails the type check here and wherever else the protocol is used.
    const tick = {
      type: 'tick', at: new Date(t0).toISOString(), lag: 0, dropped: 0,
      streams: { '*': { points: [{ t: new Date(t0).toISOString(), count: 1, negative: 0, neutral: 0, positive: 1, meanScore: 0.7 }], movingAverage: 0.7, volume: 1 } },
    } satisfies ServerEventOf<'tick'>;
    const events: ServerEvent[] = [tick, { type: 'error', code: 'FRAME_INVALID', message: 'bad' }];
    const types: Array<ServerEvent['type']> = ['snapshot', 'tick', 'message', 'alert', 'status', 'error'];
    const clientTypes: Array<keyof ClientEvents> = ['subscribe', 'unsubscribe'];
    assert.equal(events.length, 2);
    assert.equal(new Set([...types, ...clientTypes]).size, 8);
  });

  it('picks the bucket of each window and aligns its start', () => {
    assert.deepEqual(resolveWindow('5m', t0 + 1500), { from: t0 - 300_000 + 1000, to: t0 + 1500, bucket: '1s' });
    assert.deepEqual(resolveWindow('1h', t0 + 1500), { from: t0 - 3_600_000, to: t0 + 1500, bucket: '10s' });
    assert.deepEqual(resolveWindow('24h', t0 + 1500), { from: t0 - 86_400_000, to: t0 + 1500, bucket: '5m' });
    const custom = (hours: number) => resolveWindow({ from: new Date(t0 + 1500).toISOString(), to: new Date(t0 + hours * 3_600_000).toISOString() }, t0);
    assert.equal(custom(0.25).bucket, '1s');
    assert.equal(custom(2).bucket, '10s');
    assert.equal(custom(12).bucket, '1m');
    assert.equal(custom(48).bucket, '5m');
    assert.equal(custom(500).bucket, '1h');
    assert.equal(custom(2).from, t0, 'aligned down to its bucket');
    // The dashboard asks /api/stats with windowBucket: it must be the snapshot's bucket.
    assert.equal(windowBucket('24h'), '5m');
    assert.equal(windowBucket({ from: new Date(t0).toISOString(), to: new Date(t0 + 12 * 3_600_000).toISOString() }), '1m');
  });

  it('adds increments to a bucket with a count-weighted mean score', () => {
    const a = { t: 'x', count: 3, negative: 1, neutral: 1, positive: 1, meanScore: 0.25 };
    const b = { t: 'x', count: 1, negative: 0, neutral: 0, positive: 1, meanScore: 0.5 };
    assert.deepEqual(mergePoint(a, b), { t: 'x', count: 4, negative: 1, neutral: 1, positive: 2, meanScore: (0.75 + 0.5) / 4 });
    assert.equal(bucketStart(t0 + 299_999, '5m'), t0);
    assert.equal(bucketStart(t0 + 9_999, '10s'), t0);
  });
});
