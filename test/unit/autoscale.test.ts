/**
 * The classifier scaling rule (lib/classify/autoscale.ts) on a fake clock: readings carry their
 * own time, so each case is a list of readings half a second apart, as the lag reader takes them.
 * Then the scaler that applies its steps (lib/classify/scaler.ts) against a fake set of members.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScalePolicy, type ScaleStep } from '../../lib/classify/autoscale.ts';
import type { LagReading } from '../../lib/classify/lag.ts';
import type { ClassifierScaleStep } from '../../lib/contracts/live.ts';
import { LagFollower, type ScaleTarget } from '../../lib/classify/scaler.ts';
import { loadConfig } from '../../lib/config.ts';
import { isPulseError } from '../../lib/errors.ts';
import { createMetrics } from '../../lib/metrics.ts';

const config = { lagThreshold: 1000, upAfterMs: 2000, cooldownMs: 30_000 };
const everyMs = 500;

/** Feeds `lags` (null: a failed reading) every 500 ms from `t0`; the set follows each step. */
function run(policy: ScalePolicy, lags: Array<number | null>, members: number, t0 = 0) {
  const steps: Array<ScaleStep & { at: number }> = [];
  lags.forEach((lag, i) => {
    const at = t0 + i * everyMs;
    const reading: LagReading = lag === null ? { ok: false, error: 'broker down', at } : { ok: true, lag, at };
    const step = policy.observe(reading, members);
    if (step) {
      steps.push({ ...step, at });
      members = step.to;
    }
  });
  return { steps, members };
}

const repeat = (value: number | null, times: number) => Array<number | null>(times).fill(value);

describe('ScalePolicy', () => {
  it('adds one member once the lag stayed above the threshold for the up-delay, then waits the delay again', () => {
    const { steps } = run(new ScalePolicy(config, { min: 1, max: 4 }), repeat(4210, 10), 1);
    // Above from t=0: the first step at 2.0 s, the next 2.0 s after it.
    assert.deepEqual(steps.map((s) => [s.at, s.from, s.to]), [[2000, 1, 2], [4000, 2, 3]]);
    assert.equal(steps[0]!.direction, 'up');
    assert.equal(steps[0]!.reason, 'lag 4,210 > 1,000 for 2.0 s');
  });

  it('never goes above max', () => {
    const { steps, members } = run(new ScalePolicy(config, { min: 1, max: 2 }), repeat(50_000, 40), 1);
    assert.equal(steps.length, 1);
    assert.equal(members, 2);
  });

  it('takes no step while the lag flaps around the threshold', () => {
    const flapping = Array.from({ length: 60 }, (_, i) => (i % 4 === 3 ? 900 : 5000));
    assert.deepEqual(run(new ScalePolicy(config, { min: 1, max: 4 }), flapping, 1).steps, []);
  });

  it('takes no step on failed readings, and a failure restarts the period', () => {
    const policy = new ScalePolicy(config, { min: 1, max: 4 });
    // Failures alone, for longer than the cool-down: no step down (nor up).
    assert.deepEqual(run(policy, repeat(null, 100), 3).steps, []);
    // 1.5 s above, a failure, then above again: the step comes 2 s after the failure, not before.
    const { steps } = run(policy, [...repeat(5000, 4), null, ...repeat(5000, 5)], 1, 100_000);
    assert.deepEqual(steps.map((s) => s.at), [100_000 + 5 * everyMs + 2000]);
  });

  it('removes one member per cool-down once the lag stayed at or under the threshold, down to min', () => {
    const policy = new ScalePolicy(config, { min: 1, max: 4 });
    const { steps, members } = run(policy, repeat(12, 200), 3); // 100 s
    assert.deepEqual(steps.map((s) => [s.at, s.direction, s.from, s.to]), [[30_000, 'down', 3, 2], [60_000, 'down', 2, 1]]);
    assert.equal(steps[0]!.reason, 'lag 12 ≤ 1,000 for 30.0 s');
    assert.equal(members, 1, 'never under min');
  });

  it('counts a lag just under the threshold towards the cool-down, and a burst restarts it', () => {
    const policy = new ScalePolicy(config, { min: 1, max: 4 });
    assert.deepEqual(run(policy, repeat(700, 70), 3).steps.map((s) => s.direction), ['down'], 'the lag a steady stream has in flight does not keep the members of a burst');
    // 20 s low, one reading above, 20 s low: neither run reaches the 30 s cool-down.
    assert.deepEqual(run(new ScalePolicy(config, { min: 1, max: 4 }), [...repeat(0, 40), 5000, ...repeat(0, 40)], 3, 100_000).steps, []);
  });

  it('refuses bounds that cannot hold', () => {
    assert.throws(() => new ScalePolicy(config, { min: 3, max: 2 }), RangeError);
    assert.throws(() => new ScalePolicy(config, { min: -1, max: 2 }), RangeError);
  });
});

/** A set of members whose steps take `stepMs`, counting what it was asked. */
function fakeSet(members: number, stepMs = 0) {
  const set = {
    members,
    adds: 0,
    removes: 0,
    add: async () => {
      set.adds++;
      await new Promise((resolve) => setTimeout(resolve, stepMs));
      set.members++;
      return true;
    },
    remove: async () => {
      set.removes++;
      set.members--;
      await new Promise((resolve) => setTimeout(resolve, stepMs));
      return true;
    },
  } satisfies ScaleTarget & Record<string, unknown>;
  return set;
}

const until = async (what: string, holds: () => boolean, ms = 2000) => {
  const deadline = Date.now() + ms;
  while (!holds()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('LagFollower', () => {
  const fast = { lagThreshold: 100, upAfterMs: 0, cooldownMs: 0 };

  it('applies each step, counts it by direction and keeps the last one', async () => {
    const metrics = createMetrics();
    const readings: { latest: LagReading | undefined } = { latest: undefined };
    const set = fakeSet(1);
    const follower = new LagFollower(new ScalePolicy(fast, { min: 1, max: 3 }), readings, set, metrics.scaleEvents, { what: 'test', pollMs: 5 }).start();
    try {
      assert.equal(follower.lastScale, null);
      let at = Date.now();
      readings.latest = { ok: true, lag: 500, at: at++ };
      await until('one step up', () => follower.lastScale?.direction === 'up');
      assert.equal(set.members, 2);
      // The same reading is taken once: no second step from it.
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(set.members, 2);
      readings.latest = { ok: true, lag: 0, at: at++ };
      await until('one step down', () => follower.lastScale?.direction === 'down');
      assert.equal(set.members, 1);
      const counted = (await metrics.scaleEvents.get()).values.map((v) => [v.labels.direction, v.value]);
      assert.deepEqual(counted.sort(), [['down', 1], ['up', 1]]);
      const last = follower.lastScale as ClassifierScaleStep | null;
      assert.equal(last?.direction, 'down');
      assert.equal(last?.reason, 'lag 0 ≤ 100 for 0.0 s');
      assert.ok(!Number.isNaN(Date.parse(last?.at ?? '')));
    } finally {
      await follower.stop();
    }
  });

  it('decides nothing while a step is under way, and stop waits for it', async () => {
    const readings: { latest: LagReading | undefined } = { latest: undefined };
    const set = fakeSet(1, 200);
    const follower = new LagFollower(new ScalePolicy(fast, { min: 1, max: 5 }), readings, set, createMetrics().scaleEvents, { what: 'test', pollMs: 5 }).start();
    let at = Date.now();
    readings.latest = { ok: true, lag: 500, at: at++ };
    await until('a step began', () => set.adds === 1);
    readings.latest = { ok: true, lag: 500, at: at++ };
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(set.adds, 1, 'no second step while the first is under way');
    await follower.stop();
    assert.equal(set.members, 2, 'stop resolved after the step settled');
    readings.latest = { ok: true, lag: 500, at: at++ };
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(set.adds, 1, 'no step after stop');
  });
});

describe('scaling configuration', () => {
  it('autoscales the in-process members by default, from 1 to as many as can each have work (8 partitions ÷ 4)', () => {
    const { classifier } = loadConfig({});
    assert.equal(classifier.embedded, 1);
    assert.equal(classifier.embeddedMax, 2);
    assert.deepEqual(classifier.scale, { lagThreshold: 1000, upAfterMs: 2000, cooldownMs: 30_000 });
  });

  it('takes the bounds and the rule from the environment; PULSE_SCALE=0 fixes the set', () => {
    const c = loadConfig({
      PULSE_EMBEDDED_CLASSIFIERS: '2', PULSE_EMBEDDED_CLASSIFIERS_MAX: '5',
      PULSE_SCALE_LAG: '200', PULSE_SCALE_UP_AFTER_MS: '500', PULSE_SCALE_COOLDOWN_MS: '4000',
    }).classifier;
    assert.deepEqual([c.embedded, c.embeddedMax], [2, 5]);
    assert.deepEqual(c.scale, { lagThreshold: 200, upAfterMs: 500, cooldownMs: 4000 });
    assert.equal(loadConfig({ PULSE_SCALE: '0', PULSE_EMBEDDED_CLASSIFIERS_MAX: '5' }).classifier.embeddedMax, 1);
    // Kafka: the server runs no members unless told to, and then a fixed set (each in-process
    // step would be a rebalance of the whole group) unless a maximum is given.
    assert.equal(loadConfig({ KAFKA_BROKERS: 'k:9092' }).classifier.embeddedMax, 0);
    assert.equal(loadConfig({ KAFKA_BROKERS: 'k:9092', PULSE_EMBEDDED_CLASSIFIERS: '1' }).classifier.embeddedMax, 1);
    assert.equal(loadConfig({ KAFKA_BROKERS: 'k:9092', PULSE_EMBEDDED_CLASSIFIERS: '1', PULSE_EMBEDDED_CLASSIFIERS_MAX: '3' }).classifier.embeddedMax, 3);
  });

  it('refuses a maximum below the minimum, and values out of range', () => {
    assert.throws(
      () => loadConfig({ PULSE_EMBEDDED_CLASSIFIERS: '3', PULSE_EMBEDDED_CLASSIFIERS_MAX: '2' }),
      (err) => isPulseError(err, 'CONFIG_INVALID') && err.message.includes('PULSE_EMBEDDED_CLASSIFIERS_MAX'),
    );
    assert.throws(
      () => loadConfig({ PULSE_SCALE_LAG: '0', PULSE_SCALE: 'sometimes' }),
      (err) => isPulseError(err, 'CONFIG_INVALID') && ['PULSE_SCALE_LAG', 'PULSE_SCALE'].every((k) => err.message.includes(k)),
    );
  });
});
