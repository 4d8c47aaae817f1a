import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommit } from '../../lib/store/group-commit.ts';

/** A write held until the test lets it go. */
function held() {
  let release!: (ok: boolean) => void;
  const done = new Promise<boolean>((resolve) => (release = resolve));
  return { done, release };
}

/**
 * A writer of numbers: a group leans on the running write when it shares a number with it
 * (as MessageRepository's check counts the ids being written as stored).
 */
function writer() {
  const log: string[] = [];
  const writes: Array<ReturnType<typeof held>> = [];
  let running: number[] = [];
  const commit = new GroupCommit<number[], number[], string>({
    prepare: async (batches) => {
      const numbers = batches.flat();
      log.push(`check ${numbers.join(',')}`);
      return { prepared: numbers, leansOnRunningWrite: numbers.some((n) => running.includes(n)) };
    },
    write: async (numbers) => {
      running = numbers;
      log.push(`write ${numbers.join(',')}`);
      const w = held();
      writes.push(w);
      if (!(await w.done)) throw new Error(`write ${numbers.join(',')} failed`);
      return numbers.map(() => 'ok');
    },
    release: () => void (running = []),
  });
  const settle = async () => new Promise((resolve) => setImmediate(resolve));
  return { commit, log, writes, settle };
}

describe('group commit in two stages', () => {
  it('checks the next group while the previous one is written, writes in order, and groups what waits', async () => {
    const { commit, log, writes, settle } = writer();
    const first = commit.submit([1]);
    await settle();
    const second = commit.submit([2]);
    await settle();
    const third = commit.submit([3]);
    const fourth = commit.submit([4]);
    await settle();
    assert.deepEqual(log, ['check 1', 'write 1', 'check 2'], 'the second group is checked during the first write; the next check waits for that write');
    writes[0]!.release(true);
    await first;
    await settle();
    assert.deepEqual(log.slice(3), ['write 2', 'check 3,4'], 'what arrived meanwhile is checked as one group');
    writes[1]!.release(true);
    await second;
    await settle();
    writes[2]!.release(true);
    assert.deepEqual(await Promise.all([third, fourth]), ['ok', 'ok']);
    assert.deepEqual(log.slice(5), ['write 3,4']);
    await commit.settled();
  });

  it('fails a group that relied on a failed write, writes one that did not, and the failure goes no further', async () => {
    const { commit, log, writes, settle } = writer();
    const first = commit.submit([1, 2]);
    await settle();
    const leaning = commit.submit([2, 5]); // 2 is being written: the check counts it as stored
    await settle();
    writes[0]!.release(false);
    await assert.rejects(first, /write 1,2 failed/);
    await assert.rejects(leaning, /an earlier write this batch relied on failed/);
    const independent = commit.submit([7]);
    await settle();
    const afterwards = commit.submit([8]);
    await settle();
    writes.at(-1)!.release(false);
    await assert.rejects(independent, /write 7 failed/);
    await settle();
    writes.at(-1)!.release(true);
    assert.equal(await afterwards, 'ok', 'a group that shares nothing with a failed write is written');
    assert.ok(!log.includes('write 2,5'), 'the leaning group was not written');
    await commit.settled();
  });
});
