/**
 * Copies pulse.dlq into the store's `dead_letters` table, so refused messages can be listed
 * (`GET /api/dlq`) in both runtimes without a Kafka client. The server runs one member.
 */
import { z } from 'zod';
import { Topics, type Bus, type InRecord, type Subscription } from './bus/bus.ts';
import type { Store, StoredDeadLetter } from './store/index.ts';

export const DeadLetterRecorderGroup = 'pulse-dlq-recorder';

const DeadLetterSchema = z.object({
  reason: z.string(),
  stage: z.string(),
  at: z.iso.datetime(),
  payload: z.unknown(),
  id: z.string().optional(),
});

/** A record that is not a dead letter (someone produced to the topic by hand) is kept as is. */
function toStored(r: InRecord): StoredDeadLetter {
  const key = `${r.partition}-${r.offset}`;
  let json: unknown;
  try {
    json = JSON.parse(r.value);
  } catch {
    json = undefined;
  }
  const parsed = DeadLetterSchema.safeParse(json);
  if (parsed.success) return { ...parsed.data, key };
  return { key, reason: 'unreadable dead letter on pulse.dlq', stage: 'unknown', at: new Date().toISOString(), payload: r.value };
}

export function startDeadLetterRecorder(bus: Bus, store: Pick<Store, 'insertDeadLetters'>): Promise<Subscription> {
  return bus.consume({
    group: DeadLetterRecorderGroup,
    topic: Topics.dlq,
    maxBatch: 1000,
    maxWaitMs: 200,
    handler: (records) => store.insertDeadLetters(records.map(toStored)),
  });
}
