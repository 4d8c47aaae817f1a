/** The health probe over the bus's durable log: failing writes, a log near its retention, a disk near full. */
import assert from 'node:assert/strict';
import os from 'node:os';
import { describe, it } from 'node:test';
import type { BusLogStatus } from '../../lib/bus/bus.ts';
import { probeHealth, type HealthDeps } from '../../lib/health.ts';

const mib = 2 ** 20;
const healthy: BusLogStatus = {
  dir: os.tmpdir(), fileBytes: 4 * mib, records: 1000, heldBytes: 10 * mib, retentionBytes: 512 * mib, minFreeBytes: 0, failing: null,
};
const probe = (status: BusLogStatus | null) => {
  const deps: HealthDeps = {
    lag: { fresh: async () => ({ ok: true, lag: 0, at: Date.now() }) },
    store: { ping: async () => {} },
    bus: { logStatus: () => status },
  };
  return probeHealth(deps);
};

describe('health of the bus log', () => {
  it('is ok with a healthy log, and without one', async () => {
    assert.equal((await probe(healthy)).status, 'ok');
    assert.equal((await probe(null)).status, 'ok');
  });

  it('is an error while writes fail', async () => {
    const health = await probe({ ...healthy, failing: 'No space left on device (ENOSPC)' });
    assert.equal(health.status, 'error');
    assert.deepEqual(health.bus, { ok: false, error: 'bus log cannot be written: No space left on device (ENOSPC)' });
    assert.deepEqual(health.reasons, ['bus: bus log cannot be written: No space left on device (ENOSPC)']);
  });

  it('degrades past 80 % of the retention size', async () => {
    const health = await probe({ ...healthy, heldBytes: 450 * mib });
    assert.equal(health.status, 'degraded');
    assert.deepEqual(health.reasons, ['bus log holds 450 MiB, over 80 % of its retention (512 MiB)']);
  });

  it("degrades when the log's disk has less free space than the threshold", async () => {
    const health = await probe({ ...healthy, minFreeBytes: Number.MAX_SAFE_INTEGER });
    assert.equal(health.status, 'degraded');
    assert.match(health.reasons[0]!, /^data dir disk has \d+ MiB free, under \d+ MiB$/);
  });
});
