/**
 * The group commit under the messages table (lib/store/group-commit.ts): batches that wait
 * for a running write go into the next one together, and paced writes start at least
 * `spacingMs` apart unless `enoughRows` wait. Real timers, with bounds that hold on a busy
 * machine: a timer never fires early, and "at once" is checked against half the spacing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GroupCommit } from '../../lib/store/group-commit.ts';

/** A writer that records each write's batches and start time, and takes `ms` per write. */
function recorder(ms: number, fail?: (batches: ReadonlyArray<readonly number[]>) => boolean) {
  const writes: Array<{ batches: number[][]; at: number }> = [];
  const write = async (batches: ReadonlyArray<readonly number[]>) => {
    writes.push({ batches: batches.map((b) => [...b]), at: performance.now() });
    await sleep(ms);
    if (fail?.(batches)) throw new Error('write failed');
    return batches.map((b) => b.length);
  };
  return { writes, write };
}

describe('group commit', () => {
  it('writes the batches that waited for a running write together, each learning its own result', async () => {
    const { writes, write } = recorder(30);
    const commit = new GroupCommit(write);
    const results = await Promise.all([commit.submit([1]), commit.submit([2, 3]), commit.submit([4, 5, 6])]);
    assert.deepEqual(results, [1, 2, 3]);
    assert.deepEqual(writes.map((w) => w.batches), [[[1]], [[2, 3], [4, 5, 6]]]);
  });

  it('rejects only the batches of a failed write; the next write goes ahead', async () => {
    const { writes, write } = recorder(10, (batches) => batches.some((b) => b.includes(2)));
    const commit = new GroupCommit(write);
    const first = commit.submit([1]);
    const failing = [commit.submit([2]), commit.submit([3])];
    assert.equal(await first, 1);
    const settled = await Promise.allSettled(failing);
    assert.deepEqual(settled.map((s) => s.status), ['rejected', 'rejected']);
    assert.equal(await commit.submit([4]), 1);
    assert.equal(writes.length, 3);
  });

  it('paced: a write of a few rows starts no sooner than the spacing after the previous one', async () => {
    const { writes, write } = recorder(5);
    const commit = new GroupCommit(write, { spacingMs: 200, enoughRows: 100 });
    await commit.submit([1]);
    const second = commit.submit([2]);
    await sleep(20);
    const third = commit.submit([3]);
    await Promise.all([second, third]);
    assert.equal(writes.length, 2, 'the rows that arrived during the spacing share one write');
    assert.deepEqual(writes[1]!.batches, [[2], [3]]);
    assert.ok(writes[1]!.at - writes[0]!.at >= 195, `second write ${Math.round(writes[1]!.at - writes[0]!.at)} ms after the first`);
  });

  it('paced: enough rows waiting start the write at once, also while it waits out the spacing', async () => {
    const { writes, write } = recorder(5);
    const commit = new GroupCommit(write, { spacingMs: 400, enoughRows: 3 });
    await commit.submit([1]);
    const small = commit.submit([2]);
    await sleep(20);
    const filling = commit.submit([3, 4]);
    await Promise.all([small, filling]);
    assert.ok(writes[1]!.at - writes[0]!.at < 200, `second write ${Math.round(writes[1]!.at - writes[0]!.at)} ms after the first`);
    const full = commit.submit([5, 6, 7]);
    await full;
    assert.ok(writes[2]!.at - writes[1]!.at < 200, 'a full batch does not wait either');
  });

  it('settled waits for a write that is still waiting out its spacing', async () => {
    const { writes, write } = recorder(5);
    const commit = new GroupCommit(write, { spacingMs: 150, enoughRows: 100 });
    await commit.submit([1]);
    void commit.submit([2]);
    await commit.settled();
    assert.equal(writes.length, 2);
  });
});
