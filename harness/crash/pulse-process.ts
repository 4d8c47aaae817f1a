/**
 * A Pulse server as a child process (`node --import tsx server/main.ts`), the way an operator
 * runs it: started on a data dir and a port, killed with a real signal, restarted on the same
 * data dir. Its stderr is kept (the last few KB) to explain a start that fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../../lib/paths.ts';

export interface PulseProcessOptions {
  dataDir: string;
  port: number;
  /** Brokers of a Kafka (mock) cluster that outlives the process; unset = the embedded bus. */
  kafkaBrokers?: string[];
  /** More environment, over the harness's defaults. */
  env?: Record<string, string>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From the signal to the exit. */
  afterMs: number;
  /** It did not exit by itself within the time allowed and was killed with SIGKILL. */
  forced: boolean;
}

const startTimeoutMs = 90_000;
const stderrKeptChars = 4_000;

/** A port nobody listens on now (the kernel picks it), kept across a restart. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The server's environment: no demo, no dashboard, quiet logs, quotas out of the way. */
function pulseEnv(options: PulseProcessOptions): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(options.port),
    PULSE_DATA_DIR: options.dataDir,
    PULSE_DEMO: '0',
    PULSE_UI: '0',
    LOG_LEVEL: 'warn',
    // The load is the point: the per-sender quotas would only answer 429 to it.
    PULSE_INGEST_RATE_PER_IP: '10000000',
    PULSE_INGEST_RATE_PER_KEY: '10000000',
    PULSE_INGEST_BURST: '10000000',
    ...(options.kafkaBrokers
      ? {
          KAFKA_BROKERS: options.kafkaBrokers.join(','),
          PULSE_EMBEDDED_CLASSIFIERS: '1',
          // The mock cluster holds a rebalance for the session timeout: Kafka's minimum keeps a restart short.
          KAFKA_SESSION_TIMEOUT_MS: '6000',
          PULSE_TOPIC_PARTITIONS: '4',
        }
      : {}),
    ...options.env,
  };
}

export class PulseProcess {
  readonly url: string;
  private readonly child: ChildProcess;
  private stderr = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(options: PulseProcessOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server', 'main.ts')], {
      env: pulseEnv(options),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-stderrKeptChars);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts the server and resolves once `/api/health` answers 200. */
  static async start(options: PulseProcessOptions): Promise<PulseProcess> {
    const pulse = new PulseProcess(options);
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (!pulse.running) throw new Error(`the Pulse server exited (${pulse.child.exitCode ?? pulse.child.signalCode}) while starting; stderr: ${pulse.stderrTail}`);
      try {
        if ((await fetch(`${pulse.url}/api/health`)).ok) return pulse;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    await pulse.kill('SIGKILL');
    throw new Error(`the Pulse server did not become healthy within ${startTimeoutMs / 1000} s; stderr: ${pulse.stderrTail}`);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The end of what the server wrote on stderr. */
  get stderrTail(): string {
    return this.stderr.trim();
  }

  /**
   * Sends `signal` and waits for the exit. A process that has not exited `timeoutMs` after a
   * SIGTERM is killed with SIGKILL, and the exit says `forced`.
   */
  async kill(signal: 'SIGKILL' | 'SIGTERM', timeoutMs = 60_000): Promise<Exit> {
    const sentAt = performance.now();
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const first = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (first === 'timeout') this.child.kill('SIGKILL');
    const { code, signal: by } = await this.exited;
    return { code, signal: by, afterMs: performance.now() - sentAt, forced: first === 'timeout' };
  }
}
