/**
 * The topics of the bus and what each one carries: the one map from a topic to the schema of
 * its values. `publish` and `consume` are typed by it, and `TypedBus` decodes every record
 * against it. The schemas stay with their domain; this module only says which goes where.
 */
import type { z } from 'zod';
import { AlertRecordSchema } from '../alerts/alert.ts';
import { DeadLetterSchema, RawMessageSchema, ScoredMessageSchema } from '../message.ts';

export const Topics = {
  raw: 'pulse.messages.raw',
  scored: 'pulse.messages.scored',
  alerts: 'pulse.alerts',
  dlq: 'pulse.dlq',
} as const;
export type Topic = (typeof Topics)[keyof typeof Topics];
export const allTopics: Topic[] = Object.values(Topics);

/**
 * The schema of each topic's values. A topic added to {@link Topics} does not compile until it
 * has its line here.
 */
export const TopicSchemas = {
  [Topics.raw]: RawMessageSchema,
  [Topics.scored]: ScoredMessageSchema,
  [Topics.alerts]: AlertRecordSchema,
  [Topics.dlq]: DeadLetterSchema,
} as const satisfies { readonly [T in Topic]: z.ZodType };

/** What a record of topic `T` holds, once decoded. */
export type TopicValue<T extends Topic> = z.infer<(typeof TopicSchemas)[T]>;
