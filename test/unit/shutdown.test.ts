/**
 * The draining state of a graceful stop: ingest admission refuses new work with SHUTTING_DOWN
 * (a RetryLaterError, so HTTP sends Retry-After) while work admitted before finishes, and the
 * health probe reports `draining` with its reason.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RetryLaterError, isPulseError } from '../../lib/errors.ts';
import { probeHealth } from '../../lib/health.ts';
import { IngestAdmission } from '../../lib/ingest/admission.ts';
import { Deadline, Drain } from '../../lib/shutdown.ts';
import { statusOf } from '../../server/respond.ts';

const limits = { ingestRatePerKey: 1000, ingestRatePerIp: 1000, ingestBurst: 1000, ingestMaxBacklog: 50 };
const sender = { ip: '10.0.0.1', quotaKey: 'key:a' };
const shuttingDown = (err: unknown) => isPulseError(err, 'SHUTTING_DOWN') && err instanceof RetryLaterError && err.retryAfterSeconds >= 1;

describe('IngestAdmission while draining', () => {
  it('refuses new requests and sockets with SHUTTING_DOWN (503, Retry-After) once the stop began', () => {
    const drain = new Drain();
    const admission = new IngestAdmission({ backlog: 0 }, limits, Date.now, drain);
    admission.enter()();
    admission.checkOpen();
    drain.begin('the server is shutting down');
    assert.throws(() => admission.enter(), shuttingDown);
    assert.throws(() => admission.checkOpen(), shuttingDown);
    assert.equal(statusOf.SHUTTING_DOWN, 503);
    assert.equal(drain.inFlight, 0, 'a refused request is not in flight');
  });

  it('lets work admitted before the stop finish, and the stop waits for it', async () => {
    const drain = new Drain();
    const admission = new IngestAdmission({ backlog: 0 }, limits, Date.now, drain);
    const leaveFirst = admission.enter();
    const leaveSecond = admission.enter();
    drain.begin('stopping');
    // Admitted before the stop: its quota check and ingest still go through.
    admission.admit(sender, 10);
    let idle = false;
    const waited = drain.idle().then(() => (idle = true));
    leaveFirst();
    leaveFirst(); // a second call does not count twice
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(idle, false, 'one request is still in flight');
    assert.equal(drain.inFlight, 1);
    leaveSecond();
    await waited;
    assert.equal(drain.inFlight, 0);
  });

  it('keeps the first reason', () => {
    const drain = new Drain();
    assert.equal(drain.reason, undefined);
    drain.begin('first');
    drain.begin('second');
    assert.equal(drain.reason, 'first');
  });
});

describe('health while draining', () => {
  const deps = { lag: { fresh: async () => ({ ok: true as const, lag: 0, at: Date.now() }) }, store: { ping: async () => undefined } };

  it('says ok before the stop and draining, with the reason first, after it began', async () => {
    const drain = new Drain();
    assert.equal((await probeHealth({ ...deps, drain })).status, 'ok');
    drain.begin('the server is shutting down');
    const health = await probeHealth({ ...deps, drain });
    assert.equal(health.status, 'draining');
    assert.match(health.reasons[0]!, /draining: the server is shutting down/);
  });

  it('says draining even when a dependency fails: the stop is why', async () => {
    const drain = new Drain();
    drain.begin('stopping');
    const health = await probeHealth({ ...deps, store: { ping: async () => Promise.reject(new Error('closed')) }, drain });
    assert.equal(health.status, 'draining');
    assert.deepEqual(health.reasons, ['draining: stopping', 'store: closed']);
  });
});

describe('Deadline', () => {
  it('gives each step what the steps before it left, and tells a wait that ran out', async () => {
    let now = 1_000;
    const deadline = new Deadline(500, () => now);
    assert.equal(deadline.left(), 500);
    const graces: number[] = [];
    const takes = (ms: number) => ({
      stop: async ({ graceMs }: { graceMs: number }) => {
        graces.push(graceMs);
        now += ms;
      },
    });
    await deadline.stop('first', takes(300));
    await deadline.stop('second', takes(400));
    await deadline.stop('none', undefined);
    assert.deepEqual(graces, [500, 200]);
    assert.equal(deadline.left(), 0);
    assert.equal(await deadline.wait(new Promise(() => undefined)), false, 'the deadline comes first');
    assert.equal(await new Deadline(1_000).wait(Promise.resolve()), true);
  });
});
