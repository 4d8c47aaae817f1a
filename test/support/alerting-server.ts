/**
 * The server of an end-to-end alerting test, on either runtime's code path (in-process bus, or
 * Kafka on librdkafka's mock cluster; chdb in both), with the classifier and the detector in
 * it, a webhook receiver on this host, and a data dir of its own. `restart` reopens it on the
 * same data: the detector then starts from the stored history, as a deployed one does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startKafkaMock } from '../../harness/kafka-mock.ts';
import { loadConfig } from '../../lib/config.ts';
import { startPulse, type Pulse } from '../../server/pulse.ts';
import { Receiver } from './http-receiver.ts';

export interface AlertingRuntime {
  name: string;
  /** Extra environment, and how to stop what it started. */
  start(): Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
}

export const alertingRuntimes: AlertingRuntime[] = [
  { name: 'in-process bus', start: async () => ({ env: {}, stop: async () => {} }) },
  {
    name: 'Kafka mock cluster',
    start: async () => {
      const kafka = await startKafkaMock();
      return {
        // With Kafka the server runs no classifier or detector unless told to: here it runs both.
        env: {
          KAFKA_BROKERS: kafka.brokers.join(','), PULSE_TOPIC_PARTITIONS: '4', KAFKA_SESSION_TIMEOUT_MS: '6000',
          PULSE_EMBEDDED_CLASSIFIERS: '1', PULSE_EMBEDDED_DETECTOR: '1',
        },
        stop: kafka.stop,
      };
    },
  },
];

export class AlertingServer {
  private constructor(
    public pulse: Pulse,
    readonly receiver: Receiver,
    private readonly env: Record<string, string>,
    private readonly dataDir: string,
    private readonly stopRuntime: () => Promise<void>,
  ) {}

  static async start(runtime: AlertingRuntime, dirPrefix: string): Promise<AlertingServer> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), dirPrefix));
    const receiver = await Receiver.start();
    const started = await runtime.start();
    const env = {
      ...process.env,
      PORT: '0', PULSE_UI: '0', PULSE_DEMO: '0', PULSE_DATA_DIR: dataDir, PULSE_ALLOW_PRIVATE_WEBHOOKS: '1',
      PULSE_DETECT_SETTLE_MS: '1000', PULSE_ALL_STREAM_ALERTS: 'off', PULSE_STREAMS_POLL_MS: '500',
      ...started.env,
    } as Record<string, string>;
    return new AlertingServer(await startPulse(loadConfig(env)), receiver, env, dataDir, started.stop);
  }

  async restart(): Promise<Pulse> {
    await this.pulse.close();
    this.pulse = await startPulse(loadConfig(this.env));
    return this.pulse;
  }

  async close(): Promise<void> {
    await this.pulse.close();
    await this.receiver.close();
    await this.stopRuntime();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
