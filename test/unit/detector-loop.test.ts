/**
 * The deployed detector's loop on a store kept in memory: what it reads each tick, what it
 * stores and announces, and what a restart or a person's acknowledgement changes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert, AlertEvent } from '../../lib/alerts/alert.ts';
import { DetectorLoop, watchedStreams, type DetectorLoopDeps } from '../../lib/detect/loop.ts';
import { historySeconds } from '../../lib/anomaly/stream-detector.ts';
import { parseAlertRule } from '../../lib/anomaly/rules.ts';
import { Rng } from '../../harness/anomaly/rng.ts';
import { baseMix, shiftedMix, syntheticSecond } from '../../harness/anomaly/synthetic.ts';
import type { StreamSecond } from '../../lib/anomaly/signals.ts';
import type { StreamRecord } from '../../lib/streams/stream.ts';

const t0 = Date.parse('2026-05-01T12:00:00Z');
const stepAt = t0 + 900_000; // 15 minutes of the usual first
const backAt = stepAt + 120_000;
/** Seconds of history a new detector is fed (medium rules). */
const history = historySeconds(parseAlertRule({}));

/** 50 msgs/s; the mean score drops by 0.3 for two minutes at `stepAt`. */
function series(): StreamSecond[] {
  const rng = new Rng(3);
  const out: StreamSecond[] = [];
  for (let t = t0; t < backAt + 600_000; t += 1000) {
    const mix = t >= stepAt && t < backAt ? shiftedMix(baseMix, 0.3) : baseMix;
    out.push({ stream: 'acme', t, ...syntheticSecond(rng, 50, mix) });
  }
  return out;
}

class MemoryStore {
  readonly versions: Alert[] = [];
  readonly reads: Array<[from: number, to: number]> = [];
  constructor(private readonly seconds: StreamSecond[]) {}
  async streamSeconds(streams: readonly string[], from: Date, to: Date): Promise<StreamSecond[]> {
    this.reads.push([from.getTime(), to.getTime()]);
    return this.seconds.filter((s) => streams.includes(s.stream) && s.t >= from.getTime() && s.t < to.getTime());
  }
  async termCounts() {
    return { windowMessages: 10, baselineMessages: 100, terms: [{ term: 'outage', window: 8, baseline: 1 }, { term: 'acme', window: 10, baseline: 100 }] };
  }
  async exampleMessages() {
    return [{ id: 'm1', text: 'acme outage', label: 'negative' as const, score: -0.9 }];
  }
  async getMany(ids: readonly string[]): Promise<Map<string, Alert>> {
    const latest = new Map<string, Alert>();
    for (const a of this.versions) if (ids.includes(a.id) && (!latest.has(a.id) || latest.get(a.id)!.updatedAt <= a.updatedAt)) latest.set(a.id, a);
    return latest;
  }
  async insert(a: Alert): Promise<void> {
    this.versions.push(a);
  }
}

const stream: StreamRecord = {
  id: 'acme', version: 1, name: 'Acme', query: 'acme', sources: [], rule: { sensitivity: 'medium' }, channels: [], updatedAt: new Date(t0).toISOString(), deleted: false,
};

function loop(store: MemoryStore, clock: { now: number }, events: Array<[AlertEvent, Alert]>, streams: () => StreamRecord[] = () => [stream]) {
  const deps: DetectorLoopDeps = {
    signals: store, alerts: store, settleMs: 1000, now: () => clock.now,
    streams: () => watchedStreams(streams(), null),
    notify: (alert, event) => events.push([event, alert]),
  };
  return new DetectorLoop(deps);
}

async function run(detector: DetectorLoop, clock: { now: number }, until: number): Promise<void> {
  for (; clock.now < until; clock.now += 1000) await detector.tick();
}

describe('detector loop', () => {
  it('backfills at start, raises one explained alert on the step and resolves it once it is over', async () => {
    const store = new MemoryStore(series());
    const clock = { now: t0 + 700_000 };
    const events: Array<[AlertEvent, Alert]> = [];
    const detector = loop(store, clock, events);
    await detector.tick();
    // The first read reaches back the history the detector needs: the drift's window and reference hour.
    assert.equal(history, 4260);
    assert.deepEqual(store.reads[0], [t0 + 699_000 - history * 1000, t0 + 699_000]);
    await run(detector, clock, backAt + 400_000);
    // The step lowers the mean and doubles the negative messages: a sentiment alert and a
    // negative surge. Escalations (info → warning → critical) are `escalated` versions of the
    // same alert, a higher peak at the same severity `updated`.
    const sentiment = events.filter(([, a]) => a.kind === 'sentiment');
    assert.deepEqual(
      sentiment.filter(([e]) => e !== 'updated').map(([e, a]) => `${e} ${a.kind} ${a.direction} ${a.severity}`),
      ['opened sentiment negative info', 'escalated sentiment negative warning', 'escalated sentiment negative critical', 'resolved sentiment negative critical'],
    );
    assert.deepEqual([...new Set(events.map(([, a]) => `${a.kind} ${a.direction}`))].sort(), ['sentiment negative', 'surge negative']);
    assert.equal(new Set(sentiment.map(([, a]) => a.id)).size, 1);
    const [opened, resolved] = [sentiment[0]![1], sentiment.at(-1)![1]];
    // The resolved alert keeps its opening and its peak, not just the numbers at the end.
    assert.deepEqual(resolved.opening, opened.opening);
    assert.ok(Math.abs(resolved.peak!.z) >= Math.max(...sentiment.map(([, a]) => Math.abs(a.z))));
    assert.ok(Math.abs(resolved.peak!.z) > 3 * Math.abs(resolved.z));
    const delay = (Date.parse(opened.openedAt) - stepAt) / 1000;
    assert.ok(delay >= 0 && delay <= 8, `raised ${delay} s after the step`);
    assert.deepEqual(opened.topTerms, ['outage']);
    assert.equal(opened.examples.length, 1);
    assert.match(opened.reason, /^Sentiment of 'Acme' fell/);
    assert.equal(resolved.id, opened.id);
    assert.equal(resolved.resolvedBy, 'detector');
    assert.deepEqual(resolved.examples, opened.examples, 'a resolve keeps the explanation of the raise');
    assert.ok(Date.parse(resolved.updatedAt) > Date.parse(opened.updatedAt));
  });

  it('after a restart mid-alert it neither announces the alert again nor loses its resolve', async () => {
    const store = new MemoryStore(series());
    const clock = { now: stepAt - 60_000 };
    const events: Array<[AlertEvent, Alert]> = [];
    await run(loop(store, clock, events), clock, stepAt + 60_000);
    const before = events.length;
    assert.ok(events.every(([e]) => e !== 'resolved'));
    const ids = new Set(events.map(([, a]) => a.id));
    const peaks = new Map(events.map(([, a]) => [a.id, Math.abs(a.peak!.z)]));
    // A new process: same store, history read again.
    const restarted = loop(store, clock, events);
    await run(restarted, clock, backAt + 400_000);
    // Nothing opened again; each alert resolved once, with a peak at least the one stored before.
    const after = events.slice(before).filter(([e]) => e !== 'updated');
    assert.deepEqual(after.map(([e]) => e), [...ids].map(() => 'resolved'));
    assert.deepEqual(new Set(after.map(([, a]) => a.id)), ids);
    for (const [, a] of after) assert.ok(Math.abs(a.peak!.z) >= peaks.get(a.id)!);
    assert.equal(new Set(store.versions.map((a) => a.id)).size, ids.size);
  });

  it('keeps a person\'s acknowledgement when the detector updates the alert, and stops at a person\'s resolve', async () => {
    const store = new MemoryStore(series());
    const clock = { now: stepAt - 60_000 };
    const events: Array<[AlertEvent, Alert]> = [];
    const detector = loop(store, clock, events);
    // Acknowledged as soon as it is announced, before the escalations.
    for (; !events.length; clock.now += 1000) await detector.tick();
    const [[, opened]] = events as [[AlertEvent, Alert]];
    const acked: Alert = { ...opened, status: 'acknowledged', acknowledgedAt: new Date(clock.now).toISOString(), updatedAt: new Date(clock.now).toISOString() };
    await store.insert(acked);
    const seen = events.length;
    await run(detector, clock, backAt + 400_000);
    assert.ok(events.length > seen);
    for (const [event, a] of events.slice(seen).filter(([, a]) => a.id === opened.id)) {
      if (event !== 'resolved') assert.equal(a.status, 'acknowledged');
      else assert.equal(a.acknowledgedAt, acked.acknowledgedAt);
    }
    assert.equal(events.filter(([, a]) => a.id === opened.id).at(-1)![0], 'resolved');

    // Resolved by a person: the detector's own resolve is not announced again.
    const store2 = new MemoryStore(series());
    const clock2 = { now: stepAt - 60_000 };
    const events2: Array<[AlertEvent, Alert]> = [];
    const detector2 = loop(store2, clock2, events2);
    await run(detector2, clock2, stepAt + 20_000);
    const [[, first]] = events2 as [[AlertEvent, Alert]];
    await store2.insert({ ...first, status: 'resolved', resolvedBy: 'person', resolvedAt: new Date(clock2.now).toISOString(), updatedAt: new Date(clock2.now).toISOString() });
    const announced = events2.filter(([, a]) => a.id === first.id).length;
    await run(detector2, clock2, backAt + 400_000);
    assert.equal(events2.filter(([, a]) => a.id === first.id).length, announced);
  });

  it('follows the stream list: a deleted stream stops being read, a changed rule starts from history', async () => {
    const store = new MemoryStore(series());
    const clock = { now: t0 + 700_000 };
    let streams = [stream];
    const detector = loop(store, clock, [], () => streams);
    await run(detector, clock, t0 + 705_000);
    assert.equal(detector.size, 1);
    streams = [{ ...stream, version: 2, rule: { sensitivity: 'low' } }];
    const before = store.reads.length;
    await detector.tick();
    assert.equal(store.reads[before]![0], clock.now - 1000 - history * 1000, 'rebuilt with a backfill');
    streams = [];
    await detector.tick();
    assert.equal(detector.size, 0);
    assert.equal(store.reads.length, before + 1, 'nothing to read');
  });

  it('reads a new stream\'s history apart: the streams already watched are read from where they are', async () => {
    const other = { ...stream, id: 'other', name: 'Other' };
    const store = new MemoryStore(series());
    const clock = { now: t0 + 700_000 };
    let streams = [stream];
    const detector = loop(store, clock, [], () => streams);
    await run(detector, clock, t0 + 705_000);
    streams = [stream, other];
    const before = store.reads.length;
    await detector.tick();
    const end = clock.now - 1000;
    assert.deepEqual(store.reads.slice(before).sort((a, b) => a[0] - b[0]), [[end - history * 1000, end], [end - 1000, end]]);
  });
});
