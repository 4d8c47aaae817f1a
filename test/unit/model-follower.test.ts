import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { ModelFollower, type ModelRegistryReads } from '../../lib/classify/model-follower.ts';
import { loadConfig } from '../../lib/config.ts';

describe('ModelFollower', () => {
  it('skips the polls that fall during a slow load instead of replaying them after it', async () => {
    const config = loadConfig({ PULSE_DEVICE: 'cpu' }).model;
    let champion: string | null = null;
    let reads = 0;
    let slowReadsDone = 0;
    const registry = {
      championVersion: async () => {
        reads++;
        return champion;
      },
      // The new champion's registry row answers after 400 ms: a load far slower than the poll.
      get: async (version: string) => {
        await sleep(400);
        slowReadsDone++;
        return { version, dir: config.dir };
      },
      shadow: async () => null,
    } as unknown as ModelRegistryReads;
    const follower = await ModelFollower.start(registry, config, undefined, { pollMs: 10, retryMs: 30_000 });
    try {
      champion = 'v2';
      while (slowReadsDone === 0) await sleep(5);
      const atLoadEnd = reads;
      while (reads === atLoadEnd) await sleep(5); // the check that loaded has ended
      await sleep(50);
      // About one read per 10 ms tick after the load; the old chain replayed ~40 queued ticks at once.
      assert.ok(reads - atLoadEnd < 20, `${reads - atLoadEnd} registry reads in the ~60 ms after the slow load`);
    } finally {
      await follower.stop();
    }
  });
});
