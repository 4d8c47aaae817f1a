/**
 * The one place bus values are encoded and decoded: JSON text on the transports, values of
 * the topic's schema (topics.ts) for publishers and consumers.
 */
import type { z } from 'zod';
import { deadLetter, reasonOf, type DeadLetter } from '../message.ts';
import type { InRecord, RawInRecord } from './bus.ts';
import { TopicSchemas, type Topic, type TopicValue } from './topics.ts';

/**
 * Not checked against the schema: the types of `Bus.publish` guarantee the value, and the
 * classify hot path publishes some 10k records/s.
 */
export function encodeValue<T extends Topic>(value: TopicValue<T>): string {
  return JSON.stringify(value);
}

export type Decoded<T extends Topic> = { ok: true; record: InRecord<T> } | { ok: false; deadLetter: DeadLetter };

/**
 * Reads one record of `topic` as consumed by `group`. Anyone may produce anything to a topic:
 * a record that is not JSON, or whose JSON fails the topic's schema, comes back as a dead
 * letter of stage `bus` that names the topic, the group and the problem, and keeps the
 * payload as received (the parsed JSON when it parsed, else the text) and the record key.
 */
export function decodeRecord<T extends Topic>(topic: T, group: string, record: RawInRecord, now = Date.now()): Decoded<T> {
  let json: unknown;
  try {
    json = JSON.parse(record.value);
  } catch (err) {
    return refused(topic, group, record, `invalid JSON: ${(err as Error).message}`, record.value, now);
  }
  const schema: z.ZodType = TopicSchemas[topic];
  const parsed = schema.safeParse(json);
  if (!parsed.success) return refused(topic, group, record, reasonOf(parsed.error), json, now);
  return { ok: true, record: { key: record.key, value: parsed.data as TopicValue<T>, partition: record.partition, offset: record.offset } };
}

function refused(topic: Topic, group: string, record: RawInRecord, reason: string, payload: unknown, now: number): { ok: false; deadLetter: DeadLetter } {
  return { ok: false, deadLetter: deadLetter('bus', `malformed record on ${topic} (group ${group}): ${reason}`, payload, record.key ?? undefined, now) };
}
