import { startKafkaMock } from '../../harness/kafka-mock.ts';
import { startClassifierService } from '../../lib/classify/service.ts';
import { promotionContract } from '../support/promotion-contract.ts';

// Kafka protocol (librdkafka's mock cluster) + chdb. Two classifier services stand for two
// worker processes: each has its own model and follows the registry on its own, as
// workers/classifier.ts does (a real worker needs a ClickHouse server; chdb is one process's).
let stop: (() => Promise<void>) | undefined;
promotionContract('Kafka mock cluster, chdb, two worker stand-ins', {
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
});
