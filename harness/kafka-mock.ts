import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

export interface KafkaMock {
  /** Bootstrap list (`host:port`) of the mock cluster's brokers. */
  brokers: string[];
  stop(): Promise<void>;
}

const startTimeoutMs = 10_000;

/**
 * Mock clusters still running, killed with this process even when a test forgets stop(), so no
 * mock outlives its run. One exit listener for all of them: a test that runs a dozen clusters at
 * once would otherwise trip Node's listener-leak warning.
 */
const running = new Set<() => void>();
process.once('exit', () => {
  for (const kill of running) kill();
});
const bootstrapLine = /Mock cluster enabled: .* replaced with (\S+)/;

/**
 * A real Kafka-protocol broker for tests and benchmarks: librdkafka's in-memory mock cluster,
 * hosted by a `kcat` consumer that keeps it alive (Debian package `kcat`). Known limits with
 * kafkajs 2.2.4: CreateTopics and DescribeGroups fail (it names controller 0, which is none of
 * its brokers), topics are auto-created with 4 partitions, consumers of one group must live in
 * one process (a second process fails at SyncGroup), and an idle fetch waits the full
 * `maxWaitTimeInMs`.
 */
export function startKafkaMock(): Promise<KafkaMock> {
  const child = spawn('kcat', ['-b', '127.0.0.1:1', '-C', '-t', '__keepalive', '-X', 'test.mock.num.brokers=3'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  running.add(killOnExit);
  const stop = async () => {
    running.delete(killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.ref(); // so that this process waits for the exit below
      child.kill('SIGTERM');
      await exited;
    }
  };

  return new Promise((resolve, reject) => {
    let stderr = '';
    const fail = (message: string) => {
      clearTimeout(timer);
      child.stderr.destroy(); // a wedged kcat's children may hold the pipe open
      void stop();
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`kcat did not start a mock Kafka cluster within ${startTimeoutMs} ms; stderr: ${stderr.slice(-500)}`), startTimeoutMs);
    child.once('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'ENOENT' ? 'kcat is not installed: the Kafka tests need it (sudo apt-get install -y kcat)' : `cannot run kcat: ${err.message}`),
    );
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`kcat exited (${signal ?? code}) before the mock cluster was up; stderr: ${stderr.slice(-500)}`);
    child.once('exit', onEarlyExit);
    child.stderr.setEncoding('utf8');
    const onData = (chunk: string) => {
      stderr += chunk;
      const match = bootstrapLine.exec(stderr);
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      // Keep draining kcat's per-partition chatter, or it blocks on a full pipe.
      child.stderr.off('data', onData);
      child.stderr.resume();
      // It never holds the test process open by itself.
      child.unref();
      (child.stderr as Socket).unref();
      resolve({ brokers: match[1]!.split(','), stop });
    };
    child.stderr.on('data', onData);
  });
}
