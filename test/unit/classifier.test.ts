import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { InRecord } from '../../lib/bus/bus.ts';
import { MemoryTransport } from '../../lib/bus/memory.ts';
import { Topics } from '../../lib/bus/topics.ts';
import { TypedBus } from '../../lib/bus/typed-bus.ts';
import { processBatch, type ClassifierDeps, type SentimentModel } from '../../lib/classify/member.ts';
import { PulseError } from '../../lib/errors.ts';
import { normalizeIncoming } from '../../lib/ingest/normalize.ts';
import type { DeadLetter, RawMessage, ScoredMessage } from '../../lib/message.ts';
import { ClassifyStages, createMetrics } from '../../lib/metrics.ts';
import { predictionFromProbs } from '../../lib/sentiment.ts';

/** A model that scores by keyword and fails on texts containing "poison", like a crashing input. */
const model: SentimentModel = {
  info: { model: 'keyword-test' },
  classify: async (texts) => {
    if (texts.some((t) => t.includes('poison'))) throw new PulseError('MODEL_INFERENCE_FAILED', 'inference failed: bad input');
    return texts.map((t) => predictionFromProbs(t.includes('love') ? { negative: 0.1, neutral: 0.1, positive: 0.8 } : { negative: 0.7, neutral: 0.2, positive: 0.1 }));
  },
};

type RawRecord = InRecord<typeof Topics.raw>;

function record(value: RawMessage, offset: number): RawRecord {
  return { key: value.id, value, partition: 0, offset: String(offset) };
}

function raw(text: string): RawMessage {
  const m = normalizeIncoming({ source: 'test', text });
  assert.ok(m.ok);
  return m.value;
}

async function run(records: RawRecord[], classify = model, insertMs = 0) {
  const bus = new TypedBus(new MemoryTransport({ partitions: 1 }));
  const stored: ScoredMessage[] = [];
  const published: Record<string, unknown[]> = {};
  const publish = bus.publish.bind(bus);
  bus.publish = async (topic, rs) => {
    (published[topic] ??= []).push(...rs.map((r) => r.value));
    return publish(topic, rs);
  };
  const metrics = createMetrics();
  const deps: ClassifierDeps = {
    bus, model: classify, matcher: { match: (m) => (m.text.includes('acme') ? ['acme'] : []) }, metrics,
    batchMax: 10, batchWaitMs: 10,
    messages: {
      insert: async (rows) => {
        await sleep(insertMs);
        stored.push(...rows);
        return { inserted: rows.length, duplicates: 0 };
      },
    },
  };
  const result = await processBatch(deps, records);
  await bus.close();
  return { result, stored, scored: published[Topics.scored] ?? [], dlq: (published[Topics.dlq] ?? []) as DeadLetter[], metrics };
}

describe('processBatch', () => {
  it('stores and publishes scored messages with the model, label, probabilities and matched streams', async () => {
    const { result, stored, scored } = await run([record(raw('I love acme'), 0), record(raw('this is awful'), 1)]);
    assert.deepEqual(result, { stored: 2, duplicates: 0, dead: 0 });
    assert.deepEqual(stored.map((m) => [m.label, m.streams, m.model]), [['positive', ['acme'], 'keyword-test'], ['negative', [], 'keyword-test']]);
    assert.ok(Math.abs(stored[0]!.score - 0.7) < 1e-9);
    assert.equal(scored.length, 2);
  });

  it('dead-letters a text the model cannot classify, and keeps the rest', async () => {
    const poison = raw('poison pill');
    const { result, stored, dlq } = await run([record(raw('I love it'), 0), record(poison, 1)]);
    assert.deepEqual(result, { stored: 1, duplicates: 0, dead: 1 });
    assert.equal(stored[0]!.text, 'I love it');
    assert.deepEqual(dlq.map((d) => d.stage), ['classifier']);
    assert.match(dlq[0]!.reason, /classification failed: inference failed: bad input/);
    assert.deepEqual(dlq[0]!.payload, poison);
    assert.equal(dlq[0]!.id, poison.id);
  });

  it('times each stage of the batch for /metrics: inference, store, publish', async () => {
    const { metrics } = await run([record(raw('I love acme'), 0)], model, 100);
    const { values } = await metrics.stageSeconds.get();
    const of = (stage: string, suffix: string) => values.find((v) => v.labels.stage === stage && v.metricName === `pulse_classifier_stage_duration_seconds_${suffix}`)?.value;
    for (const stage of ClassifyStages) assert.equal(of(stage, 'count'), 1, stage);
    assert.ok(of('store', 'sum')! >= 0.09, 'the insert\'s 100 ms are the store stage\'s');
    assert.ok(of('inference', 'sum')! < 0.09 && of('publish', 'sum')! < 0.09, 'and no other stage\'s');
  });

  it('does not dead-letter anything when the model pool is closed: the batch fails and will be redelivered', async () => {
    const closed: SentimentModel = { info: model.info, classify: async () => Promise.reject(new PulseError('MODEL_POOL_CLOSED', 'model pool is closed')) };
    await assert.rejects(run([record(raw('I love it'), 0)], closed), (err) => err instanceof PulseError && err.code === 'MODEL_POOL_CLOSED');
  });
});
