/**
 * The classifier supervisor (lib/classify/supervisor.ts, `npm run workers -- --autoscale`)
 * against real Kafka lag: librdkafka's mock cluster, the group `pulse-classifier` on
 * `pulse.messages.raw`. Its children are test/support/slow-classifier-child.ts, which stands in
 * for workers/classifier.ts because a real classifier worker needs a ClickHouse server and this
 * machine has none: it joins the same group through the same Kafka bus and commits each batch
 * after a fixed wait. Lag above the threshold → children go up to max; lag drained → down to min
 * after the cool-down; a child killed with SIGKILL is replaced.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { startKafkaMock, type KafkaMock } from '../../harness/kafka-mock.ts';
import type { Bus } from '../../lib/bus/bus.ts';
import { createBus } from '../../lib/bus/index.ts';
import { Topics } from '../../lib/bus/topics.ts';
import { ClassifierGroup } from '../../lib/classify/lag.ts';
import { startSupervisor, type Supervisor } from '../../lib/classify/supervisor.ts';
import { loadConfig } from '../../lib/config.ts';
import { createMetrics, type Metrics } from '../../lib/metrics.ts';
import { waitFor } from '../support/wait.ts';
import { freePort } from '../../harness/crash/pulse-process.ts';

const scale = { lagThreshold: 300, upAfterMs: 1000, cooldownMs: 2000 };
const bounds = { min: 1, max: 3 };


/** The children's output, kept for the failure messages. */
function outputSink(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      lines.splice(0, Math.max(0, lines.length - 200));
      done();
    },
  });
}

describe('classifier supervisor on Kafka (mock cluster)', { timeout: 120_000 }, () => {
  let kafka: KafkaMock;
  let bus: Bus;
  let metrics: Metrics;
  let supervisor: Supervisor;
  const lines: string[] = [];
  const logs = () => `\nlast lines of the children:\n${lines.slice(-30).join('\n')}`;
  const gauge = async () => (await metrics.members.get()).values[0]?.value ?? 0;
  const steps = async (direction: 'up' | 'down') => (await metrics.scaleEvents.get()).values.find((v) => v.labels.direction === direction)?.value ?? 0;
  const lag = () => bus.lag(ClassifierGroup, Topics.raw);
  /** Each child's pid seen since the scale-up: one more than `max` means a child died and was replaced. */
  const pidsSeen = new Set<number>();
  const notePids = () => supervisor.processes.children().forEach((c) => pidsSeen.add(c.pid));

  before(async () => {
    kafka = await startKafkaMock();
    const env = {
      ...process.env,
      KAFKA_BROKERS: kafka.brokers.join(','), PULSE_TOPIC_PARTITIONS: '4', KAFKA_SESSION_TIMEOUT_MS: '6000',
      PULSE_BATCH_MAX: '50', PULSE_BATCH_WAIT_MS: '50', SLOW_CLASSIFIER_BATCH_MS: '250',
    };
    bus = createBus(loadConfig(env).bus);
    await bus.start();
    metrics = createMetrics();
    supervisor = await startSupervisor({
      mode: { autoscale: true, ...bounds, scale },
      bus, metrics, lagIntervalMs: 250,
      processes: {
        entry: path.join(import.meta.dirname, '../support/slow-classifier-child.ts'),
        metricsPortBase: await freePort(), graceMs: 2000, env,
        restart: { initialMs: 300, maxMs: 2000, healthyAfterMs: 60_000 },
        output: { stdout: outputSink(lines), stderr: outputSink(lines) },
      },
    });
  });

  after(async () => {
    const children = supervisor?.processes.children() ?? [];
    await supervisor?.stop();
    // Every child has exited: none is left signalable.
    for (const { pid } of children) assert.throws(() => process.kill(pid, 0), /ESRCH/);
    await bus?.close();
    await kafka?.stop();
  });

  it('starts min children, adds one per up-delay while the lag stays above the threshold, up to max', async () => {
    await waitFor(async () => (await gauge()) === bounds.min, 10_000);
    const now = new Date().toISOString();
    let n = 0;
    // ~1,000 msgs/s: more than one slow child works off, so the lag stays above the threshold.
    const publishing = setInterval(() => {
      const records = Array.from({ length: 200 }, () => {
        const id = `m-${n++}`;
        return { key: id, value: { id, ts: now, receivedAt: now, source: 'test', text: `message ${id}` } };
      });
      void bus.publish(Topics.raw, records);
    }, 200);
    try {
      await waitFor(async () => (await lag()) > scale.lagThreshold, 10_000, 100);
      const above = Date.now();
      // Two steps, each after a second of lag above the threshold, read every 250 ms; slack for a busy machine.
      await waitFor(async () => (await gauge()) === bounds.max, 10_000, 100).catch((err: Error) => assert.fail(err.message + logs()));
      const tookMs = Date.now() - above;
      assert.ok(tookMs >= 2 * scale.upAfterMs - 300, `two steps up take two up-delays (took ${tookMs} ms)`);
    } finally {
      clearInterval(publishing);
    }
    assert.equal(await steps('up'), bounds.max - bounds.min);
    assert.equal(supervisor.lastScale?.direction, 'up');
    assert.match(supervisor.lastScale?.reason ?? '', /^lag [\d,]+ > 300 for \d+\.\d s$/);
    // Each child on its own metrics port.
    assert.equal(new Set(supervisor.processes.children().map((c) => c.slot)).size, bounds.max);
    notePids();
  });

  it('goes back down to min, one per cool-down, once the children drained the lag', async () => {
    const drained = async () => {
      notePids();
      return (await lag()) === 0;
    };
    // Each child that joins costs a rebalance, and so does each follower whose SyncGroup reaches
    // the mock cluster after the leader's: it answers that one INVALID_REQUEST (the group is
    // already up), kafkajs gives the consumer up, and it rejoins afresh. A rebalance holds the
    // group ~5 s (the session timeout, 6 s at least, less 1 s); a busy machine saw six within 40 s.
    await waitFor(drained, 60_000, 250).catch((err: Error) => assert.fail(err.message + logs()));
    // None of those is a reason for a child to give up and exit.
    assert.equal(pidsSeen.size, bounds.max, `no child died while the lag drained${logs()}`);
    await waitFor(async () => (await gauge()) === bounds.min, 2 * scale.cooldownMs + 10_000, 100).catch((err: Error) => assert.fail(err.message + logs()));
    assert.equal(await steps('down'), bounds.max - bounds.min);
    assert.equal(supervisor.lastScale?.direction, 'down');
    assert.equal(supervisor.processes.members, bounds.min);
  });

  it('replaces a child that was killed', async () => {
    const [victim] = supervisor.processes.children();
    assert.ok(victim);
    process.kill(victim.pid, 'SIGKILL');
    await waitFor(() => {
      const now = supervisor.processes.children();
      return now.length === 1 && now[0]!.pid !== victim.pid;
    }, 10_000).catch((err: Error) => assert.fail(err.message + logs()));
    assert.equal(supervisor.processes.children()[0]!.slot, victim.slot, 'in the same slot (the same metrics port)');
    await waitFor(async () => (await gauge()) === 1, 5_000);
    assert.equal(await steps('down'), bounds.max - bounds.min, 'a replacement is not a scale step');
  });
});
