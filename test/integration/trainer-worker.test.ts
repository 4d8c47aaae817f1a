/**
 * The trainer's place in the two runtimes: the server runs it unless PULSE_EMBEDDED_TRAINER=0
 * (on either bus: a single server with Kafka still trains), and `workers/trainer.ts` answers
 * `--help` and, like every worker, refuses to run without Kafka and a ClickHouse server (the
 * embedded runtime's trainer lives in the server). A worker that runs needs a ClickHouse
 * server, which the tests do not have: the trainer it runs is tested in training-jobs.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../lib/config.ts';

const root = path.resolve(import.meta.dirname, '../..');

function trainerWorker(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'workers/trainer.ts', ...args], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
}

describe('the trainer process', { timeout: 120_000 }, () => {
  it('runs in the server unless PULSE_EMBEDDED_TRAINER=0, on either bus', () => {
    assert.equal(loadConfig({}).trainer.embedded, true);
    assert.equal(loadConfig({ KAFKA_BROKERS: 'kafka:9092' }).trainer.embedded, true);
    assert.equal(loadConfig({ KAFKA_BROKERS: 'kafka:9092', PULSE_EMBEDDED_TRAINER: '0' }).trainer.embedded, false);
  });

  it('answers --help with its one-per-deployment rule', () => {
    const run = trainerWorker(['--help'], process.env);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Usage: npm run worker:trainer/);
    assert.match(run.stdout, /Run exactly one trainer per deployment/);
    assert.match(run.stdout, /PULSE_EMBEDDED_TRAINER=0/);
  });

  it('refuses to start without Kafka and a ClickHouse server', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-trainer-worker-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, PULSE_DATA_DIR: dataDir, PULSE_BUS_DURABLE: '0' };
      delete env.KAFKA_BROKERS;
      delete env.CLICKHOUSE_URL;
      const run = trainerWorker([], env);
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stderr, /CONFIG_INVALID.*a standalone trainer needs KAFKA_BROKERS and CLICKHOUSE_URL/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
