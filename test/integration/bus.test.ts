import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isPulseError } from '../../lib/errors.ts';
import { Topics, type Bus, type ConsumeOptions, type InRecord, type OutRecord, type Subscription } from '../../lib/bus/bus.ts';
import { KafkaBus } from '../../lib/bus/kafka.ts';
import { MemoryBus } from '../../lib/bus/memory.ts';
import { startKafkaMock } from '../support/kafka-mock.ts';
import { waitFor } from '../support/wait.ts';

interface Opened {
  bus: Bus;
  dispose(): Promise<void>;
}

/** `n` records over `keys` keys; each value says its key and its sequence number within it. */
function makeRecords(n: number, keys: number, prefix = 'm'): OutRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const key = `${prefix}-${i % keys}`;
    return { key, value: `${key}#${Math.floor(i / keys)}` };
  });
}

const idOf = (r: InRecord) => `${r.partition}:${r.offset}`;

/** A handler that keeps every batch it was given. */
function collector() {
  const batches: InRecord[][] = [];
  return {
    batches,
    records: () => batches.flat(),
    handler: async (records: InRecord[]) => void batches.push(records),
  };
}

/** Like a promise's resolve, exposed: lets a test hold a handler in flight. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

type Consume = (group: string, handler: (records: InRecord[]) => Promise<void>, maxBatch?: number, start?: ConsumeOptions['start']) => Promise<Subscription>;

/**
 * One contract, two implementations: everything a consumer may rely on (DESIGN.md →
 * Delivery guarantee) holds the same on the in-process bus and on Kafka. Each test gets a
 * fresh bus (for Kafka, a fresh mock cluster), so offsets and lag start from zero, and the
 * tests run concurrently: on the mock, a group's first join alone takes 3 s.
 */
function busContract(name: string, open: () => Promise<Opened>, waitMs: number): void {
  const test = (title: string, body: (bus: Bus, consume: Consume) => Promise<void>) =>
    it(title, { timeout: 20_000 }, async () => {
      const { bus, dispose } = await open();
      const subs: Subscription[] = [];
      try {
        await bus.start();
        await body(bus, async (group, handler, maxBatch = 16, start) => {
          const sub = await bus.consume({ group, topic: Topics.raw, maxBatch, maxWaitMs: waitMs, handler, start });
          subs.push(sub);
          return sub;
        });
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
        seqs.set(r.key, [...(seqs.get(r.key) ?? []), Number(r.value.split('#')[1])]);
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
      await waitFor(() => a.records().length + b.records().length >= 200, 10_000);
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
      const calls: InRecord[][] = [];
      const failed: InRecord[][] = [];
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
      let victim: { member: number; batch: InRecord[] } | undefined;
      const survivor: InRecord[] = [];
      // A member may work on several partitions at once: the victim's other batches complete.
      const doneByVictim: InRecord[] = [];
      const member = (id: number) => async (records: InRecord[]) => {
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
  });
}

busContract('in-process', async () => {
  const bus = new MemoryBus({ partitions: 4 });
  return { bus, dispose: () => bus.close() };
}, 20);

// librdkafka's mock cluster answers an idle fetch only after the full wait, so keep it short.
busContract('Kafka (mock cluster)', async () => {
  const mock = await startKafkaMock();
  // Kafka's smallest allowed session timeout: the mock then rebalances after a leave in 5 s, not 29 s.
  const bus = new KafkaBus({ kind: 'kafka', brokers: mock.brokers, clientId: 'pulse-test', partitions: 4, replicationFactor: 1, sessionTimeoutMs: 6000 });
  return {
    bus,
    dispose: async () => {
      await bus.close();
      await mock.stop();
    },
  };
}, 100);

describe('in-process bus: memory bounds', () => {
  const buses: MemoryBus[] = [];
  const open = (options: ConstructorParameters<typeof MemoryBus>[0]) => {
    const bus = new MemoryBus(options);
    buses.push(bus);
    return bus;
  };
  after(() => Promise.all(buses.map((b) => b.close())));

  it('keeps only the newest `retention` records of a topic nobody consumes', async () => {
    const bus = open({ partitions: 1, retention: 10 });
    await bus.publish(Topics.alerts, makeRecords(100, 5));
    assert.equal(await bus.lag('late', Topics.alerts), 10);
    const c = collector();
    await bus.consume({ group: 'late', topic: Topics.alerts, maxBatch: 100, maxWaitMs: 0, handler: c.handler });
    await waitFor(() => c.records().length >= 10, 5_000);
    assert.deepEqual(c.records().map((r) => r.offset), Array.from({ length: 10 }, (_, i) => String(90 + i)));
  });

  it('drops records once every group has committed them', async () => {
    const bus = open({ partitions: 2 });
    await bus.consume({ group: 'a', topic: Topics.scored, maxBatch: 50, maxWaitMs: 0, handler: async () => {} });
    await bus.consume({ group: 'b', topic: Topics.scored, maxBatch: 50, maxWaitMs: 0, handler: async () => {} });
    await bus.publish(Topics.scored, makeRecords(100, 10));
    await waitFor(async () => (await bus.lag('a', Topics.scored)) + (await bus.lag('b', Topics.scored)) === 0, 5_000);
    // A group that never consumed starts at the oldest retained record: there is none left.
    assert.equal(await bus.lag('never', Topics.scored), 0);
  });

  it('keeps what a live group has not committed, beyond the retention limit', async () => {
    const bus = open({ partitions: 1, retention: 5 });
    const held = gate();
    await bus.consume({ group: 'slow', topic: Topics.dlq, maxBatch: 1, maxWaitMs: 0, handler: () => held.opened });
    await bus.publish(Topics.dlq, makeRecords(50, 5));
    assert.equal(await bus.lag('slow', Topics.dlq), 50);
    held.open();
    await waitFor(async () => (await bus.lag('slow', Topics.dlq)) === 0, 5_000);
  });

  it('waits up to maxWaitMs for a batch to fill, and not at all once it is full', async () => {
    const bus = open({ partitions: 1 });
    const c = collector();
    await bus.consume({ group: 'fill', topic: Topics.raw, maxBatch: 3, maxWaitMs: 150, handler: c.handler });
    for (const r of makeRecords(3, 3)) await bus.publish(Topics.raw, [r]);
    await waitFor(() => c.batches.length >= 1, 100); // well before maxWaitMs: the batch is full
    const started = Date.now();
    await bus.publish(Topics.raw, makeRecords(1, 1, 'late'));
    await waitFor(() => c.batches.length >= 2, 5_000);
    assert.ok(Date.now() - started >= 140, 'a lone record waits for company');
    assert.deepEqual(c.batches.map((b) => b.length), [3, 1]);
  });

  it('refuses to work once closed', async () => {
    const bus = open({});
    await bus.close();
    await assert.rejects(bus.publish(Topics.raw, makeRecords(1, 1)), (err) => isPulseError(err, 'BUS_CLOSED'));
  });
});
