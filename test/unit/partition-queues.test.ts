/**
 * A Kafka member's queues (lib/bus/partition-queues.ts): under a bound on records in flight
 * (`maxInFlightRecords`) full batches are held to the bound, small ones all run at once (the
 * in-process transport's side of the same setting: test/integration/bus.test.ts); a pipelined
 * partition that is behind overlaps its full batches and still commits them in offset order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RawInRecord } from '../../lib/bus/bus.ts';
import { PartitionQueues } from '../../lib/bus/partition-queues.ts';
import { Topics } from '../../lib/bus/topics.ts';
import { gate } from '../support/gate.ts';

const records = (partition: number, n: number): RawInRecord[] =>
  Array.from({ length: n }, (_, i) => ({ key: `k${partition}-${i}`, value: '{}', partition, offset: String(i) }));

/** Queues bounded to two full batches (2 × 50 records) whose handler counts the calls running at once. */
function bounded() {
  let running = 0;
  let widest = 0;
  let handled = 0;
  const commits: Array<[number, string]> = [];
  const queues = new PartitionQueues(
    {
      group: 'g', topic: Topics.raw, maxBatch: 50, maxWaitMs: 0, maxInFlightRecords: 100,
      handler: async (batch) => {
        widest = Math.max(widest, ++running);
        await sleep(30);
        running--;
        handled += batch.length;
      },
    },
    async (partition, offset) => void commits.push([partition, offset]),
  );
  return { queues, commits, widest: () => widest, handled: () => handled };
}

describe('partition queues: records in flight', () => {
  it('holds full batches to the bound', async () => {
    const q = bounded();
    for (let p = 0; p < 4; p++) q.queues.push(p, records(p, 100));
    while (q.handled() < 400) await sleep(10);
    assert.equal(q.widest(), 2, 'two full batches of 50 at once, never more');
    assert.deepEqual(new Set(q.commits.filter(([, offset]) => offset === '100').map(([p]) => p)), new Set([0, 1, 2, 3]));
    await q.queues.stop();
  });

  it('runs small batches of every partition at once', async () => {
    const q = bounded();
    for (let p = 0; p < 4; p++) q.queues.push(p, records(p, 10));
    while (q.handled() < 40) await sleep(10);
    assert.equal(q.widest(), 4, 'four batches of 10 are 40 records, under the bound: none waits for another');
    await q.queues.stop();
  });
});

/** Queues of batches of 10 whose handler the test drives: `calls` in the order they started. */
function driven(handle: (batch: RawInRecord[], call: number) => Promise<void>, pipelined = true) {
  const calls: RawInRecord[][] = [];
  const commits: string[] = [];
  let running = 0;
  let widest = 0;
  const queues = new PartitionQueues(
    {
      group: 'g', topic: Topics.raw, maxBatch: 10, maxWaitMs: 0, pipelined,
      handler: async (batch) => {
        calls.push(batch);
        widest = Math.max(widest, ++running);
        try {
          await handle(batch, calls.length);
        } finally {
          running--;
        }
      },
    },
    async (_partition, offset) => void commits.push(offset),
  );
  return { queues, calls, commits, widest: () => widest, firstOffsets: () => calls.map((b) => b[0]!.offset) };
}

/** `driven` queues whose first call waits until `release`. */
function firstCallHeld(pipelined = true) {
  const first = gate();
  return {
    ...driven(async (_batch, call) => {
      if (call === 1) await first.opened;
    }, pipelined),
    release: first.open,
  };
}

describe('partition queues: a pipelined partition that is behind', { timeout: 10_000 }, () => {
  it('hands its next full batch over while one runs, and commits them in offset order', async () => {
    const q = firstCallHeld();
    q.queues.push(0, records(0, 30));
    while (q.calls.length < 2) await sleep(5);
    await sleep(30);
    assert.deepEqual(q.firstOffsets(), ['0', '10'], 'the second batch runs beside the first, a third waits');
    assert.deepEqual(q.commits, [], 'the second batch, done, does not commit before the first');
    q.release();
    while (q.commits.length < 3) await sleep(5);
    assert.deepEqual(q.commits, ['10', '20', '30']);
    assert.equal(q.widest(), 2);
    await q.queues.stop();
  });

  it('keeps one call at a time unless pipelined', async () => {
    const q = firstCallHeld(false);
    q.queues.push(0, records(0, 30));
    while (q.calls.length < 1) await sleep(5);
    await sleep(30);
    assert.equal(q.calls.length, 1, 'the next full batch waits');
    q.release();
    while (q.commits.length < 3) await sleep(5);
    assert.equal(q.widest(), 1);
    await q.queues.stop();
  });

  it('keeps one call at a time below a full batch', async () => {
    const q = firstCallHeld();
    q.queues.push(0, records(0, 10));
    while (q.calls.length < 1) await sleep(5);
    q.queues.push(0, records(0, 15).slice(10));
    await sleep(50);
    assert.equal(q.calls.length, 1, 'five records wait for the call in flight');
    q.release();
    while (q.commits.length < 2) await sleep(5);
    assert.deepEqual(q.firstOffsets(), ['0', '10']);
    await q.queues.stop();
  });

  it('after a failed call, offers its records and those of the calls after it again, committing nothing past it', async () => {
    const failing = gate();
    const q = driven(async (_batch, call) => {
      if (call === 1) {
        await failing.opened;
        throw new Error('store unavailable');
      }
    });
    q.queues.push(0, records(0, 20));
    while (q.calls.length < 2) await sleep(5);
    await sleep(20); // the second call has resolved
    failing.open();
    while (q.commits.length < 2) await sleep(5);
    assert.deepEqual(q.firstOffsets(), ['0', '10', '0', '10'], 'both batches again, from the failed one');
    assert.deepEqual(q.commits, ['10', '20']);
    await q.queues.stop();
  });
});
