/**
 * Issue 12's crash test: a real server process under load over HTTP and WebSocket is killed at
 * a random moment (SIGKILL), or stopped (SIGTERM), and restarted on the same data dir (and the
 * same broker); every id it acknowledged must then be stored exactly once, and a SIGTERM must
 * end in exit code 0. On both buses. `npm run bench:crash` repeats this many times.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { CrashRun, type CrashOutcome, type CrashSignal } from '../../harness/crash/run.ts';
import { startKafkaMock, type KafkaMock } from '../../harness/kafka-mock.ts';

/** A few thousand messages per round: 3,000 msgs/s, the signal somewhere in 0.4 … 2 s. */
const rate = 3000;

function killMoment(): number {
  return Math.round(400 + Math.random() * 1600);
}

function assertExactlyOnce(t: TestContext, outcome: CrashOutcome): void {
  t.diagnostic(JSON.stringify(outcome));
  assert.ok(outcome.ackedBeforeKill > 0, 'the signal came before anything was acknowledged: no load to lose');
  assert.equal(outcome.lost, 0, `${outcome.lost} acknowledged messages were not stored, e.g. ${outcome.lostIds.join(', ')}`);
  assert.equal(outcome.duplicated, 0, 'messages stored or counted more than once');
  assert.equal(outcome.uncounted, 0, 'stored messages missing from /api/stats');
  assert.equal(outcome.rejected, 0, 'the server rejected messages of the harness as invalid');
  assert.equal(outcome.unacked, 0, 'messages still refused after the restart');
  // Everything sent was acknowledged in the end, so the stored ids are exactly the acknowledged ones.
  assert.equal(outcome.stored, outcome.acked);
}

function crashRounds(name: string, bus: 'memory' | 'kafka'): void {
  describe(`crash safety (${name})`, () => {
    /** The broker outlives the server: it is what the restarted server reads the backlog from. */
    let kafka: KafkaMock | undefined;
    let run: CrashRun | undefined;
    let source = 0;
    const round = (signal: CrashSignal) =>
      run!.round({ signal, rate, killAfterMs: killMoment(), source: `crash-test-${process.pid}-${Date.now()}-${source++}` });

    before(async () => {
      if (bus === 'kafka') kafka = await startKafkaMock();
      run = await CrashRun.start(kafka ? { kafkaBrokers: kafka.brokers } : {});
    });

    after(async () => {
      await run?.stop();
      await kafka?.stop();
    });

    it('SIGKILL at a random moment under load: every acknowledged id is stored exactly once after the restart', async (t) => {
      assertExactlyOnce(t, await round('SIGKILL'));
    });

    it('SIGTERM under load: exits 0 by itself, and every acknowledged id is stored exactly once after the restart', async (t) => {
      const outcome = await round('SIGTERM');
      assert.equal(outcome.exit.forced, false, `no exit within the harness's wait after SIGTERM`);
      assert.equal(outcome.exit.code, 0, `SIGTERM ended in ${outcome.exit.signal ?? `exit code ${outcome.exit.code}`}`);
      assertExactlyOnce(t, outcome);
    });
  });
}

crashRounds('in-process bus, chdb', 'memory');
crashRounds('Kafka mock cluster, chdb', 'kafka');
