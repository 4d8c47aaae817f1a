/**
 * The one ingest path: HTTP `/api/ingest`, WebSocket `/ws/ingest`, the replay CLI and the
 * embedded demo all end here. Each item is validated on its own: valid ones go to
 * `pulse.messages.raw`, invalid ones are answered with their index and reason AND published
 * to `pulse.dlq` with the original payload, so nothing disappears silently.
 */
import type { Counter } from 'prom-client';
import type { Bus } from '../bus/bus.ts';
import { Topics } from '../bus/topics.ts';
import { deadLetter, type RawMessage } from '../message.ts';
import type { BodyItem } from './body.ts';
import { normalizeIncoming } from './normalize.ts';

export interface IngestResult {
  accepted: number;
  rejected: Array<{ index: number; reason: string }>;
  /** Ids of the accepted messages, in order (assigned at ingest when the sender gave none). */
  ids: string[];
}

export class Ingestor {
  constructor(
    private readonly bus: Bus,
    private readonly counter?: Counter<'result'>,
  ) {}

  async ingest(items: readonly BodyItem[], stage = 'ingest'): Promise<IngestResult> {
    const now = Date.now();
    const accepted: RawMessage[] = [];
    const rejected: IngestResult['rejected'] = [];
    const dead: ReturnType<typeof deadLetter>[] = [];
    items.forEach((item, index) => {
      const result = item.ok ? normalizeIncoming(item.value, now) : item;
      if (result.ok) accepted.push(result.value);
      else {
        rejected.push({ index, reason: result.reason });
        dead.push(deadLetter(stage, result.reason, item.ok ? item.value : item.raw, undefined, now));
      }
    });
    await this.bus.publish(Topics.raw, accepted.map((m) => ({ key: m.id, value: m })));
    if (dead.length) await this.bus.publish(Topics.dlq, dead.map((d, i) => ({ key: `${stage}-${now}-${i}`, value: d })));
    this.counter?.inc({ result: 'accepted' }, accepted.length);
    this.counter?.inc({ result: 'rejected' }, rejected.length);
    return { accepted: accepted.length, rejected, ids: accepted.map((m) => m.id) };
  }
}
