/**
 * The first run's demo without a server: when the scripted incident comes, what a storm sends,
 * the history's event times, the demo's mix of sources, and the example streams: created once,
 * by Pulse (the audit says so), never again once removed, and not for a store that has streams.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor, Audit } from '../../lib/audit.ts';
import { loadConfig } from '../../lib/config.ts';
import { interleave } from '../../lib/demo/data.ts';
import { exampleStreams, incidentStreamId, offerExamples } from '../../lib/demo/examples.ts';
import { nextIncidentAt, planStorm, runIncidents, stormSeconds } from '../../lib/demo/incident.ts';
import { historyMessages } from '../../lib/demo/seed.ts';
import type { ReplayRow } from '../../lib/ingest/replay.ts';
import { StreamCatalog, type StreamEditor } from '../../lib/streams/catalog.ts';
import type { StreamRecord } from '../../lib/streams/stream.ts';

/** The streams table in memory: every version kept, the highest per id current (as the store). */
function memoryStreams() {
  const versions: StreamRecord[] = [];
  const audited: Array<{ actor: Actor; action: string; id: string }> = [];
  const latest = (id: string) => versions.filter((v) => v.id === id).at(-1);
  const audit: Pick<Audit, 'record'> = { record: async (actor, action, target) => void audited.push({ actor, action, id: target.id }) };
  const repository = {
    list: async () => [...new Set(versions.map((v) => v.id))].map((id) => latest(id)!).filter((s) => !s.deleted),
    get: async (id: string) => latest(id),
    versions: async (id: string) => versions.filter((v) => v.id === id).reverse(),
    insertVersion: async (s: StreamRecord) => void versions.push(s),
    everHeld: async () => versions.length > 0,
  };
  return { streams: repository, catalog: new StreamCatalog(repository, audit), audited };
}

const editor: StreamEditor = {
  principal: { kind: 'user', id: 'e', email: 'editor@example.com', role: 'editor', sessionId: 's', sessionExpiresAt: '2100-01-01T00:00:00.000Z' },
  ip: '192.0.2.7',
};

describe('demo incident schedule', () => {
  const s = (after: number, every: number) => ({ afterMs: after * 1000, everyMs: every * 1000 });

  it('comes `after` the start, then every `every`', () => {
    assert.equal(nextIncidentAt(s(90, 600), 0, 0), 90_000);
    assert.equal(nextIncidentAt(s(90, 600), 0, 90_000), 90_000, 'due now: still this one');
    assert.equal(nextIncidentAt(s(90, 600), 0, 90_001), 690_000);
    // After a storm that ended at 150 s, and long after the start: the next slot, none skipped twice.
    assert.equal(nextIncidentAt(s(90, 600), 0, 150_000), 690_000);
    assert.equal(nextIncidentAt(s(90, 600), 1_000, 3_600_000), 3_691_000);
  });

  it('AFTER=0 is none; EVERY=0 is the first only', () => {
    assert.equal(nextIncidentAt(s(0, 600), 0, 0), null);
    assert.equal(nextIncidentAt(s(90, 0), 0, 0), 90_000);
    assert.equal(nextIncidentAt(s(90, 0), 0, 90_001), null);
  });

  it('is read from PULSE_DEMO_INCIDENT_AFTER / _EVERY in seconds; default 90 and 600', () => {
    assert.deepEqual(loadConfig({}).demo.incident, { afterMs: 90_000, everyMs: 600_000 });
    assert.deepEqual(loadConfig({ PULSE_DEMO_INCIDENT_AFTER: '5', PULSE_DEMO_INCIDENT_EVERY: '0' }).demo.incident, { afterMs: 5_000, everyMs: 0 });
    assert.equal(loadConfig({ PULSE_DEMO: '0' }).demo.enabled, false);
  });
});

describe('demo storm and history', () => {
  const rows: ReplayRow[] = [
    { text: '@united lost my bag again', label: 'negative', source: 'airline' },
    { text: '@united thanks for the upgrade', label: 'positive', source: 'airline' },
    { text: '@united cancelled, no hotel', label: 'negative', source: 'airline' },
    { text: 'united we stand', label: 'negative', source: 'tweeteval' },
    ...Array.from({ length: 16 }, (_, i) => ({ text: `something else ${i}`, label: 'neutral', source: 'tweeteval' })),
  ];
  const stream = { id: incidentStreamId, version: 1, query: '@united OR "united airlines"', sources: ['airline'] };

  it('sends the negative texts the stream matches (its sources too), at several times its usual rate, for a minute', () => {
    const storm = planStorm(stream, rows, 100);
    assert.ok(storm);
    assert.deepEqual(storm.rows.map((r) => r.text).sort(), ['@united cancelled, no hotel', '@united lost my bag again']);
    // 3 of 20 rows match: 15 msgs/s usually, 90 in the storm.
    assert.equal(storm.rate, 90);
    assert.equal(storm.count, 90 * stormSeconds);
    assert.equal(planStorm({ ...stream, query: 'zorblax' }, rows, 100), null, 'nothing matches: no storm');
  });

  it('a quiet stream’s storm still fills the windows', () => {
    assert.equal(planStorm(stream, rows, 2)!.rate, 5);
  });

  it('starts the first storm at once when the history took longer to store than the first was due', async () => {
    const abort = new AbortController();
    const sent: string[] = [];
    const started = Date.now();
    await runIncidents({
      // Due 20 s after a start 200 s ago (a high demo rate's history), the first only.
      schedule: { afterMs: 20_000, everyMs: 0 },
      startedAt: started - 200_000,
      rows,
      demoRate: 100,
      streams: () => [{ ...stream, example: true } as unknown as StreamRecord],
      send: async (messages) => {
        sent.push(...messages.map((m) => m.text));
        abort.abort();
      },
      signal: abort.signal,
    });
    assert.ok(sent.length > 0, 'a storm was sent');
    assert.ok(sent.every((t) => t.startsWith('@united')), 'of the stream’s texts');
    assert.ok(Date.now() - started < 5_000, 'at once');
  });

  it('spreads the history evenly from `from` at the rate, every event time before the start', () => {
    const from = 1_000_000;
    const history = historyMessages(rows, 20, from, 20 * 60);
    assert.equal(history.length, 1200);
    assert.equal(history[0]!.ts, from);
    assert.equal(history[1]!.ts, from + 50);
    assert.ok(history.at(-1)!.ts < from + 60_000);
    assert.deepEqual(history[0]!.meta, { dataset: 'demo', label: 'negative', seeded: true });
  });

  it('mixes the sources in their shares, every row of the larger one in a cycle', () => {
    const a = Array.from({ length: 3 }, (_, i) => ({ text: `a${i}` }));
    const b = Array.from({ length: 4 }, (_, i) => ({ text: `b${i}` }));
    const mixed = interleave([{ rows: a, share: 3 / 4 }, { rows: b, share: 1 / 4 }]);
    assert.equal(mixed.length, 16);
    assert.equal(mixed.filter((r) => r.text.startsWith('b')).length, 4);
    assert.deepEqual(new Set(mixed.filter((r) => r.text.startsWith('b')).map((r) => r.text)).size, 4);
    // Never more than three tweets in a row without an airline one, and no two airline ones together.
    assert.ok(!/a\d a\d a\d a\d|b\d b\d/.test(mixed.map((r) => r.text).join(' ')));
  });
});

describe('example streams', () => {
  it('a store that never held a stream gets them, marked and created by Pulse; removed, they never come back', async () => {
    const { streams, catalog, audited } = memoryStreams();
    const created = await offerExamples({ streams, catalog });
    assert.deepEqual(created.map((s) => [s.id, s.example]), exampleStreams.map((e) => [e.id, true]));
    assert.ok(created.some((s) => s.id === incidentStreamId));
    assert.deepEqual(audited.map((a) => [a.action, a.actor.principal?.kind]), exampleStreams.map(() => ['stream.create', 'system']));

    // Edited, an example stays one (the badge says where it came from).
    const edited = await catalog.update(editor, 'weekend-plans', { name: 'Weekend', query: 'weekend' });
    assert.equal(edited.example, true);

    assert.deepEqual((await catalog.removeExamples(editor)).map((s) => s.id).sort(), ['flight-disruptions', 'united-airlines', 'weekend-plans']);
    assert.deepEqual(await catalog.list(), []);
    assert.deepEqual(audited.slice(-3).map((a) => [a.action, a.actor]), Array.from({ length: 3 }, () => ['stream.delete', editor]));
    // The next start, and the one after: nothing.
    assert.deepEqual(await offerExamples({ streams, catalog }), []);
    assert.deepEqual(await catalog.list(), []);
  });

  it('a store with streams of its own gets none, and removing examples leaves its streams alone', async () => {
    const { streams, catalog } = memoryStreams();
    await catalog.create(editor, { name: 'Acme', query: 'acme' });
    assert.deepEqual(await offerExamples({ streams, catalog }), []);
    assert.deepEqual(await catalog.removeExamples(editor), []);
    assert.deepEqual((await catalog.list()).map((s) => s.id), ['acme']);
  });

  it('a store whose streams were all deleted is not a first run', async () => {
    const { streams, catalog } = memoryStreams();
    await catalog.create(editor, { name: 'Acme', query: 'acme' });
    await catalog.remove(editor, 'acme');
    assert.deepEqual(await offerExamples({ streams, catalog }), []);
  });
});
