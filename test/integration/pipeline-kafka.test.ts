import { pipelineContract } from '../support/pipeline-contract.ts';
import { startKafkaMock } from '../../harness/kafka-mock.ts';

// Kafka protocol (librdkafka's mock cluster, 3 brokers) + chdb: the distributed code path.
let stop: (() => Promise<void>) | undefined;
pipelineContract('Kafka mock cluster, chdb', {
  env: async () => {
    const kafka = await startKafkaMock();
    stop = kafka.stop;
    return { KAFKA_BROKERS: kafka.brokers.join(','), PULSE_TOPIC_PARTITIONS: '4', KAFKA_SESSION_TIMEOUT_MS: '6000' };
  },
  stop: async () => stop?.(),
});
