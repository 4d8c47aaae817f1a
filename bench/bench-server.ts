/**
 * The Pulse server every `bench:pipeline` mode drives: `server/main.ts` as a child process on a
 * fresh data dir and a free port, with the embedded runtime (in-process bus over its durable
 * log, or memory only, + chdb) or, with `kafka`, a librdkafka mock cluster as the bus. One place
 * for its environment, so the modes measure the same server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startKafkaMock } from '../harness/kafka-mock.ts';
import { PulseError } from '../lib/errors.ts';
import { repoRoot } from '../lib/paths.ts';

export interface BenchServerOptions {
  kafka: boolean;
  /** The in-process bus without its durable log (PULSE_BUS_DURABLE=0). */
  memoryBus: boolean;
  /** The highest rate (msgs/s) or burst (messages) the bench sends: the ingest quotas are lifted above it. */
  load: number;
}

export interface BenchServer {
  url: string;
  pid: number;
  /** The bus in words, for the bench's first line. */
  busName: string;
  stop(): Promise<void>;
}

async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new PulseError('INPUT_INVALID', `server exited with code ${child.exitCode} while starting`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new PulseError('INPUT_INVALID', 'server did not become healthy within 60 s');
}

/** Starts the server (and the mock cluster with `kafka`) and resolves once it is healthy. */
export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  if (options.memoryBus && options.kafka) throw new PulseError('INPUT_INVALID', '--memory-bus and --kafka exclude each other');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const url = `http://127.0.0.1:${port}`;
  const kafka = options.kafka ? await startKafkaMock() : undefined;
  const quota = String(Math.max(20_000, 2 * options.load));
  const env = {
    ...process.env, PORT: String(port), HOST: '127.0.0.1', PULSE_DATA_DIR: dataDir, PULSE_DEMO: '0', LOG_LEVEL: 'warn',
    // The mock cluster keeps 5 MB per partition (librdkafka's mock default) and drops older
    // records, committed or not: ~66,000 of these messages over 4 partitions. Past that a backlog
    // is lost to the mock's retention, as it would be to a real cluster's; the ingest gate is
    // what keeps a deployment inside its retention, so the bench sets it inside the mock's.
    ...(kafka
      ? { KAFKA_BROKERS: kafka.brokers.join(','), PULSE_EMBEDDED_CLASSIFIERS: '1', PULSE_INGEST_MAX_BACKLOG: process.env.PULSE_INGEST_MAX_BACKLOG ?? '40000' }
      : {}),
    PULSE_BUS_DURABLE: options.memoryBus ? '0' : '1',
    // The bench is one client at one address: the per-address quota guards against one client
    // crowding out others, which is not what is measured here, so it is lifted above the load.
    PULSE_INGEST_RATE_PER_IP: process.env.PULSE_INGEST_RATE_PER_IP ?? quota,
    PULSE_INGEST_BURST: process.env.PULSE_INGEST_BURST ?? quota,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server', 'main.ts')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await kafka?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForServer(url, child);
  } catch (err) {
    await stop();
    throw err;
  }
  const busName = kafka ? `Kafka bus (mock cluster, ${kafka.brokers.length} brokers)` : `in-process bus (${options.memoryBus ? 'memory only' : 'durable log'})`;
  return { url, pid: child.pid!, busName, stop };
}
