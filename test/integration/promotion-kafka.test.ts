import { promotionContract } from '../support/promotion-contract.ts';
import { kafkaMockRuntime } from '../support/test-runtimes.ts';

// Kafka protocol (librdkafka's mock cluster) + chdb. Two classifier services stand for two
// worker processes, each following the registry on its own (test/support/test-runtimes.ts).
promotionContract(kafkaMockRuntime());
