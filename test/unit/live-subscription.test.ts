import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LivePoint, ServerEvent, StreamNow } from '../../lib/contracts/live.ts';
import type { CloseReason, LiveConnection } from '../../lib/live/connection.ts';
import { SlowClient, slowClientLimits } from '../../lib/live/slow-clients.ts';
import { LiveSubscription } from '../../lib/live/subscription.ts';

const t0 = Date.parse('2026-11-23T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const point = (t: number, positive: number, meanScore: number): LivePoint => ({ t: iso(t), count: positive, negative: 0, neutral: 0, positive, meanScore });
const quiet: StreamNow = { movingAverage: null, volume: 0 };

describe('LiveSubscription', () => {
  it('merges pending increments per second, sends only what changed, and counts dropped ticks', () => {
    const sub = new LiveSubscription({ streams: ['a', 'b'] }, undefined, new Map([['a', quiet], ['b', quiet]]));
    assert.equal(sub.nextTick(() => quiet), undefined, 'nothing changed since the snapshot');

    sub.add(new Map([['a', [point(t0, 1, 0.5)]]]));
    sub.dropped();
    sub.add(new Map([['a', [point(t0, 1, 1), point(t0 + 1000, 2, 0)]]]));
    const tick = sub.nextTick(() => quiet);
    assert.deepEqual(tick, { a: { points: [point(t0, 2, 0.75), point(t0 + 1000, 2, 0)], ...quiet } });
    assert.equal(sub.markSent(tick!), 1, 'the tick says one was skipped before it');

    assert.equal(sub.nextTick(() => quiet), undefined, 'sent increments are not sent again');
    const moved = { movingAverage: 0.5, volume: 3 };
    assert.deepEqual(sub.nextTick((s) => (s === 'b' ? moved : quiet)), { b: { points: [], ...moved } });
  });

  it('keeps a custom window to its range and shares a key between equal filters', () => {
    const range = { from: t0, to: t0 + 2000 };
    const sub = new LiveSubscription({ streams: ['a'], sources: ['x'] }, range, new Map());
    sub.add(new Map([['a', [point(t0 - 1000, 1, 1), point(t0 + 1000, 1, 1), point(t0 + 2000, 1, 1)]]]));
    assert.deepEqual(sub.nextTick(() => quiet)?.a?.points, [point(t0 + 1000, 1, 1)]);
    assert.equal(sub.key, new LiveSubscription({ streams: ['a'], sources: ['x'] }, undefined, new Map()).key);
    assert.notEqual(sub.key, new LiveSubscription({ streams: ['a'] }, undefined, new Map()).key);
  });
});

class FakeConnection implements LiveConnection {
  bufferedBytes = 0;
  open = true;
  readonly closed: CloseReason[] = [];
  terminated = 0;
  send(_event: ServerEvent): void {}
  close(reason: CloseReason): void {
    this.closed.push(reason);
  }
  terminate(): void {
    this.terminated++;
    this.open = false;
  }
}

describe('SlowClient', () => {
  const limits = slowClientLimits({ slowBytes: 100, slowTimeoutMs: 1000, maxBufferedBytes: 1000 });

  it('is slow above the bound and is closed as too slow once it stayed slow past the timeout', () => {
    const connection = new FakeConnection();
    let counted = 0;
    const slow = new SlowClient(connection, limits, { inc: () => counted++ });
    assert.equal(slow.isSlow(t0), false);
    connection.bufferedBytes = 101;
    assert.equal(slow.isSlow(t0), true);
    slow.dropTick();
    assert.equal(slow.isSlow(t0 + 1000), true);
    assert.deepEqual(connection.closed, [], 'not past the timeout yet');
    connection.bufferedBytes = 50;
    assert.equal(slow.isSlow(t0 + 1500), false, 'caught up: the slow time starts over');
    connection.bufferedBytes = 101;
    slow.isSlow(t0 + 2000);
    slow.isSlow(t0 + 3001);
    assert.deepEqual(connection.closed, ['too-slow']);
    assert.equal(slow.dropped, 1);
    assert.equal(counted, 1);
  });

  it('terminates a connection whose queue passes the hard bound', () => {
    const connection = new FakeConnection();
    const slow = new SlowClient(connection, limits, { inc: () => {} });
    connection.bufferedBytes = 1000;
    slow.checkQueue();
    assert.equal(connection.terminated, 0);
    connection.bufferedBytes = 1001;
    slow.checkQueue();
    assert.equal(connection.terminated, 1);
  });
});
