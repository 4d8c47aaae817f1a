/**
 * The two runtimes the whole-chain integration tests run against (promotion, learning loop), and
 * a real in-process Pulse server over one of them: the in-process bus with the server's own
 * classifier members, or Kafka on librdkafka's mock cluster with classifier services that stand
 * for worker processes (each with its own model, following the registry on its own as
 * workers/classifier.ts does; a real worker needs a ClickHouse server, chdb is one process's).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startKafkaMock } from '../../harness/kafka-mock.ts';
import { startClassifierService } from '../../lib/classify/service.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import { startPulse, type Pulse } from '../../server/pulse.ts';

export interface TestRuntime {
  /** In test names: which bus and store. */
  name: string;
  env(): Promise<Record<string, string>>;
  /** Starts classifiers outside the server (worker stand-ins); returns their stop. */
  classifiers?(pulse: Pulse, config: Config): Promise<() => Promise<void>>;
  stop?(): Promise<void>;
}

/** In-process bus + chdb: the server's own classifier members (two) follow the champion. */
export const inProcessRuntime: TestRuntime = {
  name: 'in-process bus, chdb',
  env: async () => ({ PULSE_EMBEDDED_CLASSIFIERS: '2' }),
};

/** Kafka protocol (librdkafka's mock cluster) + chdb, two worker stand-ins; one mock cluster per call. */
export function kafkaMockRuntime(): TestRuntime {
  let stop: (() => Promise<void>) | undefined;
  return {
    name: 'Kafka mock cluster, chdb, two worker stand-ins',
    env: async () => {
      const kafka = await startKafkaMock();
      stop = kafka.stop;
      return { KAFKA_BROKERS: kafka.brokers.join(','), PULSE_TOPIC_PARTITIONS: '4', KAFKA_SESSION_TIMEOUT_MS: '6000', PULSE_EMBEDDED_CLASSIFIERS: '0' };
    },
    classifiers: async (pulse, config) => {
      const deps = { config, bus: pulse.bus, store: pulse.store, metrics: pulse.metrics, streams: pulse.streams };
      // Both join at once: the Kafka mock cluster refuses a late joiner's SyncGroup.
      const services = await Promise.all([startClassifierService(deps, 1), startClassifierService(deps, 1)]);
      return async () => void (await Promise.all(services.map((s) => s.stop())));
    },
    stop: async () => stop?.(),
  };
}

export interface TestPulse {
  pulse: Pulse;
  dataDir: string;
  /** Stops the classifiers, the server and the runtime's bus; removes the data folder. */
  close(): Promise<void>;
}

/** A server on a fresh data folder, no demo, small batches, one model thread per pool. */
export async function startTestPulse(runtime: TestRuntime, dirPrefix: string): Promise<TestPulse> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), dirPrefix));
  const env = {
    PORT: '0', HOST: '127.0.0.1', PULSE_DEMO: '0', PULSE_DATA_DIR: dataDir, PULSE_SCALE: '0',
    PULSE_MODEL_THREADS: '1', PULSE_BATCH_MAX: '50', PULSE_BATCH_WAIT_MS: '20', ...(await runtime.env()),
  };
  const config = loadConfig({ ...process.env, ...env });
  const pulse = await startPulse(config);
  const stopClassifiers = await runtime.classifiers?.(pulse, config);
  return {
    pulse, dataDir,
    close: async () => {
      await stopClassifiers?.();
      await pulse.close();
      await runtime.stop?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
