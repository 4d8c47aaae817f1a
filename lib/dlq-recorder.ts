/**
 * Copies pulse.dlq into the store's `dead_letters` table, so refused messages can be listed
 * (`GET /api/dlq`) in both runtimes without a Kafka client. The server runs one member.
 */
import type { Bus, InRecord, Subscription } from './bus/bus.ts';
import { Topics } from './bus/topics.ts';
import type { StoredDeadLetter } from './contracts/api.ts';
import type { DeadLetterRepository } from './store/index.ts';

export const DeadLetterRecorderGroup = 'pulse-dlq-recorder';

/**
 * Keyed by where the record sits on the topic, so a redelivered batch writes the same rows.
 * A record that is not a dead letter (someone produced to the topic by hand) arrives here as
 * the bus's dead letter about it, and is kept like any other.
 */
function toStored(r: InRecord<typeof Topics.dlq>): StoredDeadLetter {
  return { ...r.value, key: `${r.partition}-${r.offset}` };
}

export function startDeadLetterRecorder(bus: Bus, deadLetters: Pick<DeadLetterRepository, 'insert'>): Promise<Subscription> {
  return bus.consume({
    group: DeadLetterRecorderGroup,
    topic: Topics.dlq,
    maxBatch: 1000,
    maxWaitMs: 200,
    handler: (records) => deadLetters.insert(records.map(toStored)),
  });
}
