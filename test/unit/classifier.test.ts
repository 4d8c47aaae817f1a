import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Topics, type InRecord } from '../../lib/bus/bus.ts';
import { MemoryBus } from '../../lib/bus/memory.ts';
import { processBatch, type ClassifierDeps, type SentimentModel } from '../../lib/classifier.ts';
import { PulseError } from '../../lib/errors.ts';
import { normalizeIncoming, type DeadLetter, type ScoredMessage } from '../../lib/message.ts';
import { createMetrics } from '../../lib/metrics.ts';
import { predictionFromProbs } from '../../lib/sentiment.ts';

/** A model that scores by keyword and fails on texts containing "poison", like a crashing input. */
const model: SentimentModel = {
  info: { model: 'keyword-test' },
  classify: async (texts) => {
    if (texts.some((t) => t.includes('poison'))) throw new PulseError('MODEL_INFERENCE_FAILED', 'inference failed: bad input');
    return texts.map((t) => predictionFromProbs(t.includes('love') ? { negative: 0.1, neutral: 0.1, positive: 0.8 } : { negative: 0.7, neutral: 0.2, positive: 0.1 }));
  },
};

function record(value: string, offset: number): InRecord {
  return { key: null, value, partition: 0, offset: String(offset) };
}

function raw(text: string): string {
  const m = normalizeIncoming({ source: 'test', text });
  assert.ok(m.ok);
  return JSON.stringify(m.value);
}

async function run(records: InRecord[], classify = model) {
  const bus = new MemoryBus({ partitions: 1 });
  const stored: ScoredMessage[] = [];
  const published: Record<string, string[]> = {};
  const publish = bus.publish.bind(bus);
  bus.publish = async (topic, rs) => {
    (published[topic] ??= []).push(...rs.map((r) => r.value));
    return publish(topic, rs);
  };
  const deps: ClassifierDeps = {
    bus, model: classify, matcher: { match: (m) => (m.text.includes('acme') ? ['acme'] : []) }, metrics: createMetrics(),
    batchMax: 10, batchWaitMs: 10,
    store: { insertScored: async (rows) => (stored.push(...rows), { inserted: rows.length, duplicates: 0 }) },
  };
  const result = await processBatch(deps, records);
  await bus.close();
  return { result, stored, scored: published[Topics.scored] ?? [], dlq: (published[Topics.dlq] ?? []).map((v) => JSON.parse(v) as DeadLetter) };
}

describe('processBatch', () => {
  it('stores and publishes scored messages with the model, label, probabilities and matched streams', async () => {
    const { result, stored, scored } = await run([record(raw('I love acme'), 0), record(raw('this is awful'), 1)]);
    assert.deepEqual(result, { stored: 2, duplicates: 0, dead: 0 });
    assert.deepEqual(stored.map((m) => [m.label, m.streams, m.model]), [['positive', ['acme'], 'keyword-test'], ['negative', [], 'keyword-test']]);
    assert.ok(Math.abs(stored[0]!.score - 0.7) < 1e-9);
    assert.equal(scored.length, 2);
  });

  it('dead-letters a malformed record and a text the model cannot classify, and keeps the rest', async () => {
    const poison = raw('poison pill');
    const { result, stored, dlq } = await run([record('{not json', 0), record(raw('I love it'), 1), record(poison, 2), record(JSON.stringify({ text: 'no id' }), 3)]);
    assert.deepEqual(result, { stored: 1, duplicates: 0, dead: 3 });
    assert.equal(stored[0]!.text, 'I love it');
    assert.deepEqual(dlq.map((d) => d.stage), ['classifier', 'classifier', 'classifier']);
    assert.match(dlq[0]!.reason, /invalid raw message: invalid JSON/);
    assert.equal(dlq[0]!.payload, '{not json');
    assert.match(dlq[1]!.reason, /id/);
    assert.match(dlq[2]!.reason, /classification failed: inference failed: bad input/);
    assert.deepEqual(dlq[2]!.payload, JSON.parse(poison));
  });

  it('does not dead-letter anything when the model pool is closed: the batch fails and will be redelivered', async () => {
    const closed: SentimentModel = { info: model.info, classify: async () => Promise.reject(new PulseError('MODEL_POOL_CLOSED', 'model pool is closed')) };
    await assert.rejects(run([record(raw('I love it'), 0)], closed), (err) => err instanceof PulseError && err.code === 'MODEL_POOL_CLOSED');
  });
});
