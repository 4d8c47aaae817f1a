/**
 * A Kafka member's queues (lib/bus/partition-queues.ts) under a bound on records in flight
 * (`maxInFlightRecords`): full batches are held to the bound, small ones all run at once. The
 * in-process transport's side of the same setting: test/integration/bus.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RawInRecord } from '../../lib/bus/bus.ts';
import { PartitionQueues } from '../../lib/bus/partition-queues.ts';
import { Topics } from '../../lib/bus/topics.ts';

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
