/**
 * Stands in for workers/classifier.ts in test/integration/supervisor.test.ts, because a real
 * classifier worker needs a ClickHouse server (CLICKHOUSE_URL) and the test machine has none.
 * Like the worker it joins the group `pulse-classifier` on `pulse.messages.raw` through the Kafka
 * bus (kafkajs), and stops like one: SIGTERM → the batch in flight finishes and commits within
 * PULSE_SHUTDOWN_GRACE_MS → exit 0. Instead of classifying and storing it waits
 * SLOW_CLASSIFIER_BATCH_MS per batch, so that a test can build up lag it works off slowly.
 */
import { createBus } from '../../lib/bus/index.ts';
import { Topics } from '../../lib/bus/topics.ts';
import { ClassifierGroup } from '../../lib/classify/lag.ts';
import { loadConfig } from '../../lib/config.ts';
import { log } from '../../lib/log.ts';
import { exitOnStopSignals } from '../../lib/shutdown.ts';

const batchMs = Number(process.env.SLOW_CLASSIFIER_BATCH_MS ?? 200);
const config = loadConfig();
const bus = createBus(config.bus);
await bus.start();
const subscription = await bus.consume({
  group: ClassifierGroup,
  topic: Topics.raw,
  maxBatch: config.classifier.batchMax,
  maxWaitMs: config.classifier.batchWaitMs,
  onFatal: (err) => {
    log.fatal({ err: err.message }, 'slow classifier: member died');
    process.exit(1);
  },
  handler: async () => {
    await new Promise((resolve) => setTimeout(resolve, batchMs));
  },
});
log.info({ batchMs }, 'slow classifier running');
exitOnStopSignals('slow classifier', async () => {
  await subscription.stop({ graceMs: config.shutdown.graceMs });
  await bus.close();
});
