/**
 * The one runtime builder: what a Pulse process works with (the server, a worker process, a
 * benchmark or a test that runs a whole process), built from configuration. `openRuntime` makes
 * the metrics, the bus, the store, the keyword streams and the classify stage's lag reader;
 * `startInProcessStages` starts the stages this process runs. `createBus` and `openStore` pick
 * the backends; this module is the only place that decides which stages run where.
 */
import { Audit } from './audit.ts';
import type { Bus, StopOptions, Subscription } from './bus/bus.ts';
import { createBus } from './bus/index.ts';
import { ClassifierLag } from './classify/lag.ts';
import { startClassifierService, type ClassifierService } from './classify/service.ts';
import type { Config } from './config.ts';
import { startDetectorService, type DetectorService } from './detect/service.ts';
import { startDeadLetterRecorder } from './dlq-recorder.ts';
import { PulseError } from './errors.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { Deadline } from './shutdown.ts';
import { openStore, type Store } from './store/index.ts';
import { StreamRegistry } from './streams/registry.ts';
import { TrainingRunner } from './training/runner.ts';

/** The stage a worker process of the distributed runtime runs (workers/*.ts). */
export type StandaloneStage = 'classifier' | 'detector' | 'trainer';

export interface RuntimeOptions {
  /**
   * This process is a worker that runs this one stage. It needs Kafka and a ClickHouse server:
   * the in-process bus and chdb live inside the server process, which runs its own stages.
   */
  standalone?: StandaloneStage;
}

export interface Runtime {
  readonly config: Config;
  /** Set in a worker process: the one stage it runs. */
  readonly standalone: StandaloneStage | undefined;
  readonly metrics: Metrics;
  /** Started: its topics exist. */
  readonly bus: Bus;
  readonly store: Store;
  /** The keyword streams, re-read every `config.streams.pollMs`. */
  readonly streams: StreamRegistry;
  /** The process's one reader of the classifier group's lag (ingest gate, health, lag gauge). */
  readonly lag: ClassifierLag;
  /** Stops the lag reader and the streams, then closes the store and the bus. Stop the stages first. */
  close(): Promise<void>;
}

/**
 * How often the lag is read. The server's ingest gate acts on readings this old; a classifier
 * worker reads it only for its gauge, and on Kafka every read is two admin requests.
 */
const lagIntervalMs = { server: 500, worker: 2_000 };

/** Builds a process's world; a failure closes what was already open. */
export async function openRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const { standalone } = options;
  if (standalone && (config.bus.kind !== 'kafka' || config.store.kind !== 'clickhouse')) {
    throw new PulseError(
      'CONFIG_INVALID',
      `a standalone ${standalone} needs KAFKA_BROKERS and CLICKHOUSE_URL; the embedded runtime (npm start) runs its ${standalone} itself`,
    );
  }
  const metrics = createMetrics();
  // The bus dead-letters a malformed record on any topic for every consumer; this is where it meets the metrics.
  const bus = createBus(config.bus, { onDeadLettered: (_topic, count) => metrics.deadLettered.inc({ stage: 'bus' }, count) });
  metrics.watchBusLog(() => bus.logStatus());
  let store: Store | undefined;
  try {
    await bus.start();
    store = await openStore(config.store);
    const streams = await StreamRegistry.start(store.streams, { pollMs: config.streams.pollMs });
    const lag = new ClassifierLag(bus, {
      intervalMs: standalone ? lagIntervalMs.worker : lagIntervalMs.server,
      onReading: (reading) => {
        if (reading.ok) metrics.lag.set(reading.lag);
      },
    });
    // A detector or trainer process has no use for the figure.
    if (standalone !== 'detector' && standalone !== 'trainer') lag.start();
    const opened = store;
    return {
      config, standalone, metrics, bus, store, streams, lag,
      close: async () => {
        lag.stop();
        await streams.stop();
        await opened.close();
        await bus.close();
      },
    };
  } catch (err) {
    await store?.close().catch(() => undefined);
    await bus.close().catch(() => undefined);
    throw err;
  }
}

export interface InProcessStages {
  /** The classify stage's model pool and members, when this process runs members. */
  readonly classifiers: ClassifierService | undefined;
  /**
   * Stops every stage within `graceMs` (default 0: at once), what is in flight finishing
   * first: the classify members commit their batch and then the dead-letter recorder
   * (which copies what they dead-lettered), while the detector finishes its tick and its
   * alert deliveries get the rest of the grace. What is still queued stays on the bus.
   */
  stop(options?: StopOptions): Promise<void>;
}

/**
 * What a process runs: a worker its one stage; the server what the configuration says, and the
 * dead-letter recorder. A worker runs one member: more capacity is more worker processes.
 */
function stagesOf(runtime: Runtime): { members: number; maxMembers: number; detector: boolean; trainer: boolean; deadLetters: boolean } {
  const { classifier, detector, trainer } = runtime.config;
  switch (runtime.standalone) {
    case 'classifier':
      return { members: 1, maxMembers: 1, detector: false, trainer: false, deadLetters: false };
    case 'detector':
      return { members: 0, maxMembers: 0, detector: true, trainer: false, deadLetters: false };
    case 'trainer':
      return { members: 0, maxMembers: 0, detector: false, trainer: true, deadLetters: false };
    case undefined:
      return { members: classifier.embedded, maxMembers: classifier.embeddedMax, detector: detector.embedded, trainer: trainer.embedded, deadLetters: true };
  }
}

export interface StageOptions {
  /**
   * The detector starts once this settles: the server's demo holds it back while a first run's
   * history is being stored (lib/demo/seed.ts), because the detector reads a stream's past only
   * when it first sees the stream.
   */
  detectorAfter?: Promise<unknown>;
}

/**
 * Starts the stages this process runs on its runtime: classify members
 * (`PULSE_EMBEDDED_CLASSIFIERS` in the server, up to `PULSE_EMBEDDED_CLASSIFIERS_MAX` as the lag asks), the detector (`PULSE_EMBEDDED_DETECTOR`),
 * the trainer that runs training jobs (`PULSE_EMBEDDED_TRAINER`) and,
 * in the server, the recorder that copies `pulse.dlq` into the store.
 */
export async function startInProcessStages(runtime: Runtime, options: StageOptions = {}): Promise<InProcessStages> {
  const plan = stagesOf(runtime);
  let classifiers: ClassifierService | undefined;
  let detector: DetectorService | undefined;
  let trainer: TrainingRunner | undefined;
  let recorder: Subscription | undefined;
  let stopping = false;
  const stop = async ({ graceMs = 0 } = {}) => {
    stopping = true;
    const deadline = new Deadline(graceMs);
    // Side by side: webhook retries must not take the classifiers' grace.
    await Promise.all([
      deadline.stop('detector', detector),
      deadline.stop('trainer', trainer),
      (async () => {
        await deadline.stop('classifiers', classifiers);
        await deadline.stop('dead-letter recorder', recorder);
      })(),
    ]);
  };
  try {
    if (plan.members > 0) {
      // Between the bounds, the members follow the process's lag reader (PULSE_SCALE_*).
      const scaling = plan.maxMembers > plan.members ? { ...runtime.config.classifier.scale, max: plan.maxMembers, readings: runtime.lag } : undefined;
      classifiers = await startClassifierService(runtime, plan.members, scaling);
    }
    if (plan.detector && options.detectorAfter) {
      void options.detectorAfter.catch(() => undefined).then(() => {
        if (!stopping) detector = startDetectorService(runtime);
      });
    } else if (plan.detector) detector = startDetectorService(runtime);
    if (plan.trainer) {
      const { config, store } = runtime;
      trainer = await TrainingRunner.start(
        { jobs: store.trainingJobs, models: store.models, audit: new Audit(store.audit) },
        { modelsDir: config.modelsDir, datasetsDir: config.datasetsDir, model: config.model },
      );
    }
    if (plan.deadLetters) recorder = await startDeadLetterRecorder(runtime.bus, runtime.store.deadLetters);
  } catch (err) {
    await stop();
    throw err;
  }
  return { classifiers, stop };
}
