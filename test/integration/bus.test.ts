import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { isPulseError } from '../../lib/errors.ts';
import type { Bus, BusTransport, ConsumeOptions, InRecord, OutRecord, RawInRecord, RawOutRecord, Subscription } from '../../lib/bus/bus.ts';
import { KafkaTransport } from '../../lib/bus/kafka.ts';
import { MemoryTransport } from '../../lib/bus/memory.ts';
import { Topics, type Topic } from '../../lib/bus/topics.ts';
import { TypedBus } from '../../lib/bus/typed-bus.ts';
import type { RawMessage } from '../../lib/message.ts';
import { startKafkaMock } from '../../harness/kafka-mock.ts';
import { waitFor } from '../support/wait.ts';
import { gate } from '../support/gate.ts';

interface Opened {
  transport: BusTransport;
  dispose(): Promise<void>;
}

type RawRecord = InRecord<typeof Topics.raw>;

/** A message for `pulse.messages.raw` whose text says its key and sequence number (`key#seq`). */
function message(key: string, seq: number): RawMessage {
  const at = new Date().toISOString();
  return { id: `${key}#${seq}`, ts: at, receivedAt: at, source: 'bus-test', text: `${key}#${seq}` };
}

/** `n` records over `keys` keys, numbered within each key. */
function makeRecords(n: number, keys: number, prefix = 'm'): OutRecord<RawMessage>[] {
  return Array.from({ length: n }, (_, i) => {
    const key = `${prefix}-${i % keys}`;
    return { key, value: message(key, Math.floor(i / keys)) };
  });
}

/** The same records as a transport carries them. */
const encoded = (records: OutRecord<RawMessage>[]): RawOutRecord[] => records.map(({ key, value }) => ({ key, value: JSON.stringify(value) }));

const idOf = (r: { partition: number; offset: string }) => `${r.partition}:${r.offset}`;

/** A handler that keeps every batch it was given. */
function collector<R = RawRecord>() {
  const batches: R[][] = [];
  return {
    batches,
    records: () => batches.flat(),
    handler: async (records: R[]) => void batches.push(records),
  };
}

type Consume = (group: string, handler: (records: RawRecord[]) => Promise<void>, maxBatch?: number, start?: ConsumeOptions<typeof Topics.raw>['start']) => Promise<Subscription>;

interface Extras {
  /** The transport under `bus`: publishes what the types would not let through. */
  transport: BusTransport;
  /** Joins any topic; the member stops with the test. */
  join<T extends Topic>(options: ConsumeOptions<T>): Promise<Subscription>;
  /** What the bus told its `onDeadLettered` observer, call by call. */
  deadLettered: Array<{ topic: Topic; count: number }>;
}

/**
 * One contract, three transports: everything a consumer may rely on (DESIGN.md → Delivery
 * guarantee) holds the same on the typed bus over the in-process transport (in memory, and
 * over its durable log) and over Kafka.
 * Each test gets a fresh bus (for Kafka, a fresh mock cluster), so offsets and lag start from
 * zero, and the tests run concurrently: on the mock, a group's first join alone takes 3 s.
 */
function busContract(name: string, open: () => Promise<Opened>, waitMs: number): void {
  const test = (title: string, body: (bus: Bus, consume: Consume, extras: Extras) => Promise<void>) =>
    it(title, { timeout: 30_000 }, async () => {
      const { transport, dispose } = await open();
      const deadLettered: Extras['deadLettered'] = [];
      const bus = new TypedBus(transport, { onDeadLettered: (topic, count) => void deadLettered.push({ topic, count }) });
      const subs: Subscription[] = [];
      const join = async <T extends Topic>(options: ConsumeOptions<T>) => {
        const sub = await bus.consume(options);
        subs.push(sub);
        return sub;
      };
      try {
        await bus.start();
        await body(
          bus,
          (group, handler, maxBatch = 16, start) => join({ group, topic: Topics.raw, maxBatch, maxWaitMs: waitMs, handler, start }),
          { transport, join, deadLettered },
        );
      } finally {
        await Promise.all(subs.map((s) => s.stop()));
        await dispose();
      }
    });

  describe(`bus contract: ${name}`, { concurrency: true }, () => {
    test('delivers every record once, in order per key, each key on one partition', async (bus, consume) => {
      const c = collector();
      await consume('order', c.handler);
      await bus.publish(Topics.raw, makeRecords(200, 20));
      await waitFor(() => c.records().length >= 200, 10_000);
      const records = c.records();
      assert.equal(records.length, 200);
      assert.equal(new Set(records.map(idOf)).size, 200);
      const partitionOfKey = new Map<string, number>();
      const seqs = new Map<string, number[]>();
      for (const r of records) {
        assert.ok(r.key);
        assert.equal(partitionOfKey.get(r.key) ?? r.partition, r.partition, `key ${r.key} on two partitions`);
        partitionOfKey.set(r.key, r.partition);
        seqs.set(r.key, [...(seqs.get(r.key) ?? []), Number(r.value.text.split('#')[1])]);
      }
      for (const [key, list] of seqs) assert.deepEqual(list, Array.from({ length: 10 }, (_, i) => i), `order of ${key}`);
      assert.ok(new Set(partitionOfKey.values()).size > 1, 'keys spread over partitions');
    });

    test('splits the partitions between two members of one group, each record seen exactly once', async (bus, consume) => {
      const a = collector();
      const b = collector();
      // Joining together: the mock cluster admits a later member only after a 29-s rebalance.
      await Promise.all([consume('split', a.handler), consume('split', b.handler)]);
      await bus.publish(Topics.raw, makeRecords(200, 200));
      // Both have joined, but under load the mock may rebalance the group twice more, ~5 s each
      // (seen: partitions [0, 3] and [2], partition 1 with no owner, then [0, 2] and [1, 3] 6 s
      // later), and a partition's records wait for its owner.
      await waitFor(() => a.records().length + b.records().length >= 200, 20_000);
      const all = [...a.records(), ...b.records()];
      assert.equal(all.length, 200);
      assert.equal(new Set(all.map(idOf)).size, 200);
      const pa = new Set(a.records().map((r) => r.partition));
      const pb = new Set(b.records().map((r) => r.partition));
      assert.ok(pa.size > 0 && pb.size > 0, 'both members got partitions');
      assert.deepEqual([...pa].filter((p) => pb.has(p)), [], 'no partition served by both');
    });

    test('gives every group every record', async (bus, consume) => {
      const one = collector();
      const two = collector();
      await Promise.all([consume('first', one.handler), consume('second', two.handler)]);
      await bus.publish(Topics.raw, makeRecords(100, 10));
      await waitFor(() => one.records().length >= 100 && two.records().length >= 100, 10_000);
      assert.equal(new Set(one.records().map(idOf)).size, 100);
      assert.equal(new Set(two.records().map(idOf)).size, 100);
    });

    test('respects maxBatch, one partition per handler call', async (bus, consume) => {
      await bus.publish(Topics.raw, makeRecords(100, 10));
      const c = collector();
      await consume('batches', c.handler, 7);
      await waitFor(() => c.records().length >= 100, 10_000);
      assert.ok(c.batches.every((b) => b.length >= 1 && b.length <= 7), `sizes ${c.batches.map((b) => b.length)}`);
      assert.ok(c.batches.every((b) => b.every((r) => r.partition === b[0]!.partition)));
      assert.ok(c.batches.some((b) => b.length === 7), 'a backlog fills whole batches');
      assert.equal(new Set(c.records().map(idOf)).size, 100);
    });

    test('delivers the records of a rejected batch again and loses nothing', async (bus, consume) => {
      await bus.publish(Topics.raw, makeRecords(60, 60));
      const calls: RawRecord[][] = [];
      const failed: RawRecord[][] = [];
      await consume('retry', async (records) => {
        calls.push(records);
        if (failed.length < 2) {
          failed.push(records);
          throw new Error('store unavailable');
        }
      }, 8);
      const succeeded = () => calls.filter((b) => !failed.includes(b)).flat();
      await waitFor(() => new Set(succeeded().map(idOf)).size >= 60, 10_000);
      // The next call for that partition starts at the same offset, with the same records.
      const first = failed[0]!;
      const again = calls.slice(calls.indexOf(first) + 1).find((b) => b[0]!.partition === first[0]!.partition)!;
      assert.deepEqual(again.map(idOf), first.map(idOf));
      assert.deepEqual(again.map((r) => r.value), first.map((r) => r.value));
      assert.equal(new Set(succeeded().map(idOf)).size, 60);
      await waitFor(async () => (await bus.lag('retry', Topics.raw)) === 0, 5_000);
    });

    test('hands the batch of a member stopped mid-handler to the other member', async (bus, consume) => {
      const held = gate();
      const subs: Subscription[] = [];
      let victim: { member: number; batch: RawRecord[] } | undefined;
      const survivor: RawRecord[] = [];
      // A member may work on several partitions at once: the victim's other batches complete.
      const doneByVictim: RawRecord[] = [];
      const member = (id: number) => async (records: RawRecord[]) => {
        if (!victim) {
          victim = { member: id, batch: records };
          await held.opened; // still "writing" when its member stops
        } else if (victim.member !== id) {
          survivor.push(...records);
        } else if (records !== victim.batch) {
          doneByVictim.push(...records);
        }
      };
      subs.push(...(await Promise.all([consume('handover', member(0)), consume('handover', member(1))])));
      await bus.publish(Topics.raw, makeRecords(100, 100));
      await waitFor(() => victim !== undefined, 10_000);
      await subs[victim!.member]!.stop(); // must not wait for the handler
      const inFlight = victim!.batch.map(idOf);
      await waitFor(() => inFlight.every((id) => survivor.some((r) => idOf(r) === id)), 15_000);
      held.open(); // resolving now must not commit anything for the member that left
      await waitFor(async () => (await bus.lag('handover', Topics.raw)) === 0, 10_000);
      assert.equal(new Set([...survivor, ...doneByVictim].map(idOf)).size, 100, 'every record was handled');
    });

    test('a graceful stop lets the batch in flight finish and commit, then leaves', async (bus, consume) => {
      const held = gate();
      const events: string[] = [];
      const sub = await consume('graceful', async (records) => {
        events.push(`batch ${records.length}`);
        await held.opened;
        events.push('handled');
      }, 100);
      // One key, one publish: one partition, one batch.
      await bus.publish(Topics.raw, makeRecords(20, 1));
      await waitFor(() => events.length > 0, 10_000);
      const stopped = sub.stop({ graceMs: 10_000 }).then(() => void events.push('stopped'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(events, ['batch 20'], 'the stop waits for the handler');
      held.open();
      await stopped;
      assert.deepEqual(events, ['batch 20', 'handled', 'stopped']);
      assert.equal(await bus.lag('graceful', Topics.raw), 0, 'the batch was committed before the member left');
    });

    test('a graceful stop abandons a handler still running after the grace, uncommitted', async (bus, consume) => {
      const started = Date.now();
      let called = false;
      const sub = await consume('stuck', async () => {
        called = true;
        await new Promise(() => {}); // never settles
      }, 100);
      await bus.publish(Topics.raw, makeRecords(20, 1));
      await waitFor(() => called, 10_000);
      const stopping = Date.now();
      await sub.stop({ graceMs: 300 });
      assert.ok(Date.now() - stopping >= 250, 'it waited for the grace');
      assert.ok(Date.now() - started < 15_000);
      assert.equal(await bus.lag('stuck', Topics.raw), 20, 'nothing committed: the records go to the next member');
    });

    test('reports lag: everything for a new group, 0 once consumed', async (bus, consume) => {
      await bus.publish(Topics.raw, makeRecords(50, 50));
      assert.equal(await bus.lag('lagging', Topics.raw), 50);
      await consume('lagging', collector().handler);
      await waitFor(async () => (await bus.lag('lagging', Topics.raw)) === 0, 10_000);
    });

    test('starts a new group at the end with start "latest"; a group with commits resumes from them', async (bus, consume) => {
      // On the in-process bus a record every group has committed is gone: this group, which
      // starts at `earliest`, joins first so that it still finds everything below.
      const first = collector();
      const sub = await consume('resume', first.handler);
      await bus.publish(Topics.raw, makeRecords(40, 40, 'old'));
      const live = collector();
      await consume('live', live.handler, 16, 'latest');
      // A Kafka member takes its partitions (and resolves `latest`) some time after joining:
      // probes published before that are skipped, as they should be; the first one through
      // marks the moment from which everything must arrive.
      for (let i = 0; !live.records().length; i++) {
        await bus.publish(Topics.raw, makeRecords(1, 1, `probe${i}`));
        await waitFor(() => live.records().length > 0, 300).catch(() => {});
      }
      await bus.publish(Topics.raw, makeRecords(40, 40, 'new'));
      await waitFor(() => live.records().filter((r) => r.key!.startsWith('new-')).length >= 40, 10_000);
      assert.deepEqual(live.records().filter((r) => r.key!.startsWith('old-')), [], 'no record from before the group existed');

      await waitFor(async () => first.records().length >= 80 && (await bus.lag('resume', Topics.raw)) === 0, 10_000);
      await sub.stop();
      await bus.publish(Topics.raw, makeRecords(10, 10, 'gap'));
      const again = collector();
      await consume('resume', again.handler, 16, 'latest');
      await waitFor(() => again.records().length >= 10, 15_000);
      assert.deepEqual(again.records().map((r) => r.key!.split('-')[0]), Array(10).fill('gap'));
    });

    test('refuses invalid consume options with a stable code', async (bus) => {
      await assert.rejects(
        bus.consume({ group: 'bad', topic: Topics.raw, maxBatch: 0, maxWaitMs: 10, handler: async () => {} }),
        (err) => isPulseError(err, 'BUS_OPTIONS_INVALID'),
      );
    });

    test('hands the handler only the records that decode; the others become dead letters on pulse.dlq', async (bus, consume, { transport, join, deadLettered }) => {
      const handled = collector();
      const letters = collector<InRecord<typeof Topics.dlq>>();
      await Promise.all([
        consume('typed', handled.handler),
        join({ group: 'dlq-reader', topic: Topics.dlq, maxBatch: 16, maxWaitMs: waitMs, handler: letters.handler }),
      ]);
      // Straight onto the transport, as any producer could: the types would not let these through.
      const notJson = '{"id": "m-0#1", "text":';
      const noId = { source: 's', text: 'no id' };
      const valid = (key: string, seq: number): RawOutRecord => ({ key, value: JSON.stringify(message(key, seq)) });
      await transport.publish(Topics.raw, [
        valid('m-0', 0),
        { key: 'broken-json', value: notJson },
        valid('m-0', 1),
        valid('m-1', 0),
        { key: 'broken-schema', value: JSON.stringify(noId) },
        valid('m-1', 1),
        valid('m-0', 2),
      ]);
      await transport.publish(Topics.dlq, [{ key: 'not-a-letter', value: JSON.stringify({ hello: 'world' }) }]);
      await waitFor(() => handled.records().length >= 5 && letters.records().length >= 3, 15_000);
      await waitFor(async () => (await bus.lag('typed', Topics.raw)) === 0, 10_000);

      assert.ok(handled.batches.every((b) => b.length > 0), 'never called with an empty batch');
      const texts = (key: string) => handled.records().filter((r) => r.key === key).map((r) => r.value.text);
      assert.deepEqual(texts('m-0'), ['m-0#0', 'm-0#1', 'm-0#2']);
      assert.deepEqual(texts('m-1'), ['m-1#0', 'm-1#1']);
      assert.equal(handled.records().length, 5);

      const byId = new Map(letters.records().map((r) => [r.value.id, r.value]));
      const json = byId.get('broken-json')!;
      assert.equal(json.stage, 'bus');
      assert.match(json.reason, /^malformed record on pulse\.messages\.raw \(group typed\): invalid JSON/);
      assert.equal(json.payload, notJson);
      const schema = byId.get('broken-schema')!;
      assert.equal(schema.stage, 'bus');
      assert.match(schema.reason, /^malformed record on pulse\.messages\.raw \(group typed\): id: .*; ts: /);
      assert.deepEqual(schema.payload, noId);
      // On pulse.dlq itself the dead letter takes the unreadable record's place (publishing it would loop).
      const unreadable = letters.records().find((r) => r.key === 'not-a-letter')!;
      assert.equal(unreadable.value.stage, 'bus');
      assert.match(unreadable.value.reason, /^malformed record on pulse\.dlq \(group dlq-reader\): reason: /);
      assert.deepEqual(unreadable.value.payload, { hello: 'world' });
      assert.equal(unreadable.value.id, 'not-a-letter');
      await new Promise((resolve) => setTimeout(resolve, 3 * waitMs));
      assert.equal(letters.records().length, 3, 'one dead letter per malformed record, none for the dead letters');
      // The observer (the runtime's metric) hears of the two published, not of the one that replaced its record.
      assert.equal(deadLettered.reduce((n, d) => n + d.count, 0), 2);
      assert.ok(deadLettered.every((d) => d.topic === Topics.raw));
    });
  });
}

/** The in-process transport with 4 partitions, in memory only. */
async function inMemory() {
  const transport = new MemoryTransport({ partitions: 4 });
  return { transport, dispose: () => transport.close() };
}

/** The in-process transport with 4 partitions over a durable log in a fresh folder, removed by dispose. */
async function overDurableLog() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bus-log-'));
  const transport = new MemoryTransport({ partitions: 4, durable: { dir: path.join(dir, 'bus'), minFreeBytes: 0 } });
  return {
    transport,
    dispose: async () => {
      await transport.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

busContract('in-process', inMemory, 20);
busContract('in-process over the durable log', overDurableLog, 20);

/** Kafka on a fresh librdkafka mock cluster, stopped by dispose. */
async function overKafkaMock() {
  const mock = await startKafkaMock();
  // Kafka's smallest allowed session timeout: the mock then rebalances after a leave in 5 s, not 29 s.
  const transport = new KafkaTransport({ kind: 'kafka', brokers: mock.brokers, clientId: 'pulse-test', partitions: 4, replicationFactor: 1, sessionTimeoutMs: 6000 });
  return {
    transport,
    dispose: async () => {
      await transport.close();
      await mock.stop();
    },
  };
}

// librdkafka's mock cluster answers an idle fetch only after the full wait, so keep it short.
busContract('Kafka (mock cluster)', overKafkaMock, 100);

describe('in-process transport: memory bounds', () => {
  const transports: MemoryTransport[] = [];
  const open = (options: ConstructorParameters<typeof MemoryTransport>[0]) => {
    const transport = new MemoryTransport(options);
    transports.push(transport);
    return transport;
  };
  after(() => Promise.all(transports.map((t) => t.close())));

  it('keeps only the newest `retention` records of a topic nobody consumes', async () => {
    const transport = open({ partitions: 1, retention: 10 });
    await transport.publish(Topics.alerts, encoded(makeRecords(100, 5)));
    assert.equal(await transport.lag('late', Topics.alerts), 10);
    const c = collector<RawInRecord>();
    await transport.consume({ group: 'late', topic: Topics.alerts, maxBatch: 100, maxWaitMs: 0, handler: c.handler });
    await waitFor(() => c.records().length >= 10, 5_000);
    assert.deepEqual(c.records().map((r) => r.offset), Array.from({ length: 10 }, (_, i) => String(90 + i)));
  });

  it('drops records once every group has committed them', async () => {
    const transport = open({ partitions: 2 });
    await transport.consume({ group: 'a', topic: Topics.scored, maxBatch: 50, maxWaitMs: 0, handler: async () => {} });
    await transport.consume({ group: 'b', topic: Topics.scored, maxBatch: 50, maxWaitMs: 0, handler: async () => {} });
    await transport.publish(Topics.scored, encoded(makeRecords(100, 10)));
    await waitFor(async () => (await transport.lag('a', Topics.scored)) + (await transport.lag('b', Topics.scored)) === 0, 5_000);
    // A group that never consumed starts at the oldest retained record: there is none left.
    assert.equal(await transport.lag('never', Topics.scored), 0);
  });

  it('keeps what a live group has not committed, beyond the retention limit', async () => {
    const transport = open({ partitions: 1, retention: 5 });
    const held = gate();
    await transport.consume({ group: 'slow', topic: Topics.dlq, maxBatch: 1, maxWaitMs: 0, handler: () => held.opened });
    await transport.publish(Topics.dlq, encoded(makeRecords(50, 5)));
    assert.equal(await transport.lag('slow', Topics.dlq), 50);
    held.open();
    await waitFor(async () => (await transport.lag('slow', Topics.dlq)) === 0, 5_000);
  });

  it('waits up to maxWaitMs for a batch to fill, and not at all once it is full', async () => {
    const transport = open({ partitions: 1 });
    const c = collector<RawInRecord>();
    await transport.consume({ group: 'fill', topic: Topics.raw, maxBatch: 3, maxWaitMs: 150, handler: c.handler });
    for (const r of encoded(makeRecords(3, 3))) await transport.publish(Topics.raw, [r]);
    await waitFor(() => c.batches.length >= 1, 100); // well before maxWaitMs: the batch is full
    const started = Date.now();
    await transport.publish(Topics.raw, encoded(makeRecords(1, 1, 'late')));
    await waitFor(() => c.batches.length >= 2, 5_000);
    assert.ok(Date.now() - started >= 140, 'a lone record waits for company');
    assert.deepEqual(c.batches.map((b) => b.length), [3, 1]);
  });

  it('refuses to work once closed', async () => {
    const transport = open({});
    await transport.close();
    await assert.rejects(transport.publish(Topics.raw, encoded(makeRecords(1, 1))), (err) => isPulseError(err, 'BUS_CLOSED'));
  });
});

/**
 * The in-process transport overlaps a member's batches of different partitions (as Kafka's
 * `partitionsConsumedConcurrently`); a member killed with several in flight commits none of them.
 */
/** `stopMs`: how long a plain stop may take (a Kafka member leaves its group over the network). */
function concurrentDeliveries(name: string, open: () => Promise<Opened>, stopMs = 1_000): void {
  it(`${name}: a member killed with batches in flight on several partitions leaves them all to the next member, each in order, none committed twice`, { timeout: 40_000 }, async () => {
    const { transport, dispose } = await open();
    const subs: Subscription[] = [];
    try {
      await transport.start();
      const partitions = 4;
      const held = gate();
      const callsPerPartition = new Map<number, number>();
      const heldPartitions = new Set<number>();
      const committedByFirst: RawInRecord[] = [];
      const seenByFirst: RawInRecord[][] = [];
      // Each partition's first batch commits; the next one stays in flight until after the kill.
      const first = await transport.consume({
        group: 'overlap', topic: Topics.raw, maxBatch: 10, maxWaitMs: 0,
        handler: async (records) => {
          seenByFirst.push(records);
          const p = records[0]!.partition;
          const calls = (callsPerPartition.get(p) ?? 0) + 1;
          callsPerPartition.set(p, calls);
          if (calls === 1) return void committedByFirst.push(...records);
          heldPartitions.add(p);
          await held.opened;
        },
      });
      subs.push(first);
      await transport.publish(Topics.raw, encoded(makeRecords(400, 40)));
      await waitFor(() => heldPartitions.size === partitions, 15_000); // one batch in flight on every partition at once
      const killing = Date.now();
      await first.stop();
      assert.ok(Date.now() - killing < stopMs, 'a plain stop does not wait for the handlers');
      held.open(); // resolving now must commit nothing for the member that was killed
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await transport.lag('overlap', Topics.raw), 400 - committedByFirst.length, 'only the batches settled before the kill are committed');

      const next = collector<RawInRecord>();
      subs.push(await transport.consume({ group: 'overlap', topic: Topics.raw, maxBatch: 10, maxWaitMs: 0, handler: next.handler }));
      await waitFor(async () => (await transport.lag('overlap', Topics.raw)) === 0, 25_000);

      const committedIds = new Set(committedByFirst.map(idOf));
      const redelivered = next.records().map(idOf);
      assert.equal(new Set(redelivered).size, redelivered.length, 'the next member got each record once');
      assert.deepEqual(redelivered.filter((id) => committedIds.has(id)), [], 'nothing committed twice');
      assert.equal(committedIds.size + redelivered.length, 400, 'every uncommitted record delivered again');
      // Per partition, each member's batches follow one another: offsets only go up, without gaps.
      for (const batches of [seenByFirst, next.batches]) {
        const last = new Map<number, number>();
        for (const r of batches.flat()) {
          const previous = last.get(r.partition);
          if (previous !== undefined) assert.equal(Number(r.offset), previous + 1, `order on partition ${r.partition}`);
          last.set(r.partition, Number(r.offset));
        }
      }
      // And per key, over both members: every message once, in the order it was published.
      const texts = new Map<string, number[]>();
      for (const r of [...committedByFirst, ...next.records()]) {
        const { text } = JSON.parse(r.value) as RawMessage;
        texts.set(r.key!, [...(texts.get(r.key!) ?? []), Number(text.split('#')[1])]);
      }
      for (const [key, seqs] of texts) assert.deepEqual(seqs, Array.from({ length: 10 }, (_, i) => i), `order of ${key}`);
    } finally {
      await Promise.all(subs.map((s) => s.stop()));
      await dispose();
    }
  });
}

describe('overlapping batches', { concurrency: true }, () => {
  concurrentDeliveries('in memory', inMemory);
  concurrentDeliveries('over the durable log', overDurableLog);
  // Its fetches queued ahead (partition-queues.ts): what was queued and not handled goes too.
  concurrentDeliveries('Kafka (mock cluster)', overKafkaMock, 5_000);
});

/**
 * Consumes `records` on a fresh in-process transport (4 partitions) with a handler that takes
 * `handlerMs`, and reports the most handler calls that ran at once, the partitions of the first
 * four calls, and the distinct ids handled.
 */
async function widestUnder(records: OutRecord<RawMessage>[], settings: { maxBatch: number; maxInFlightRecords: number; handlerMs: number }) {
  const { transport, dispose } = await inMemory();
  let sub: Subscription | undefined;
  try {
    await transport.start();
    await transport.publish(Topics.raw, encoded(records));
    let inFlight = 0;
    let widest = 0;
    const firstBatches: number[] = [];
    const handled = collector<RawInRecord>();
    sub = await transport.consume({
      group: 'bounded', topic: Topics.raw, maxBatch: settings.maxBatch, maxWaitMs: 0, maxInFlightRecords: settings.maxInFlightRecords,
      handler: async (batch) => {
        widest = Math.max(widest, ++inFlight);
        if (firstBatches.length < 4) firstBatches.push(batch[0]!.partition);
        await new Promise((resolve) => setTimeout(resolve, settings.handlerMs));
        inFlight--;
        await handled.handler(batch);
      },
    });
    await waitFor(async () => (await transport.lag('bounded', Topics.raw)) === 0, 10_000);
    return { widest, firstBatches, ids: new Set(handled.records().map(idOf)).size };
  } finally {
    await sub?.stop();
    await dispose();
  }
}

describe('in-process transport: a member of bounded capacity', () => {
  it('keeps at most `maxInFlightRecords` of full batches in flight and serves every partition in turn', { timeout: 20_000 }, async () => {
    const { widest, firstBatches, ids } = await widestUnder(makeRecords(400, 40), { maxBatch: 5, maxInFlightRecords: 10, handlerMs: 5 });
    assert.equal(widest, 2, 'two full batches side by side, never more');
    assert.deepEqual([...firstBatches].sort(), [0, 1, 2, 3], 'the first four batches come from four partitions: none waits behind a busier one');
    assert.equal(ids, 400);
  });

  it('takes every partition at once when their batches are small enough together', { timeout: 20_000 }, async () => {
    // 40 records over 4 partitions, all in flight at once under a bound of two full batches (100).
    const { widest, ids } = await widestUnder(makeRecords(40, 40), { maxBatch: 50, maxInFlightRecords: 100, handlerMs: 50 });
    assert.equal(widest, 4, 'a batch on each of the four partitions at once: a batch count of 2 would have served them in turns');
    assert.equal(ids, 40);
  });
});
