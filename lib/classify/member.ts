/**
 * One classifier group member: raw records in, scored rows out. Per micro-batch (its records
 * already decoded by the bus) it classifies, matches keyword streams, writes ONE insert to the store, publishes the scored
 * messages and dead letters, and only then returns, which is when the bus commits the batch
 * (DESIGN.md: offsets only after the batch is durably written).
 */
import type { Bus, InRecord, Subscription } from '../bus/bus.ts';
import { Topics } from '../bus/topics.ts';
import { isPulseError } from '../errors.ts';
import { log } from '../log.ts';
import { deadLetter, scored, type DeadLetter, type ScoredMessage } from '../message.ts';
import type { ClassifyStage, Metrics } from '../metrics.ts';
import type { Prediction } from '../sentiment.ts';
import type { MessageRepository } from '../store/messages.ts';
import type { StreamMatcher } from '../streams/matcher.ts';
import { ClassifierGroup } from './lag.ts';

/** What the classifier needs of a model: the inference pool satisfies it. */
export interface SentimentModel {
  readonly info: { model: string };
  classify(texts: readonly string[]): Promise<Prediction[]>;
}

/**
 * A model that may change between batches (lib/classify/champion-model.ts): each batch leases
 * one and scores all of its texts with it, so a batch is never split between two models.
 */
export interface SwappableModel {
  acquire(): { readonly model: SentimentModel; release(): void };
}

export interface ClassifierDeps {
  bus: Bus;
  messages: Pick<MessageRepository, 'insert'>;
  model: SentimentModel | SwappableModel;
  /** The challenger in shadow (lib/classify/shadow.ts): shown each stored batch, never awaited. */
  shadow?: { observe(rows: readonly ScoredMessage[]): void };
  matcher: StreamMatcher;
  metrics: Metrics;
  batchMax: number;
  batchWaitMs: number;
  /** Records this member works on at once (ConsumeSettings.maxInFlightRecords); default: a batch on every partition it owns. */
  maxInFlightRecords?: number;
  /** See ConsumeOptions.onFatal. */
  onFatal?(error: Error): void;
}

type Outcome = { ok: true; prediction: Prediction } | { ok: false; reason: string };

/**
 * Classifies a batch; when the batch as a whole fails, retries each message alone so that
 * one poisonous text costs only itself. A closed pool is not the messages' fault: it
 * propagates, the batch is not committed and will be redelivered.
 */
async function classifyIsolating(model: SentimentModel, texts: string[]): Promise<Outcome[]> {
  try {
    return (await model.classify(texts)).map((prediction) => ({ ok: true, prediction }));
  } catch (err) {
    if (isPulseError(err, 'MODEL_POOL_CLOSED')) throw err;
    if (texts.length === 1) return [{ ok: false, reason: `classification failed: ${(err as Error).message}` }];
    log.warn({ err: (err as Error).message, size: texts.length }, 'batch classification failed; retrying messages one by one');
    const out: Outcome[] = [];
    for (const text of texts) out.push(...(await classifyIsolating(model, [text])));
    return out;
  }
}

export async function processBatch(deps: ClassifierDeps, records: InRecord<typeof Topics.raw>[]): Promise<{ stored: number; duplicates: number; dead: number }> {
  const lease = 'acquire' in deps.model ? deps.model.acquire() : { model: deps.model, release: () => {} };
  try {
    return await processWith(lease.model, deps, records);
  } finally {
    lease.release();
  }
}

async function processWith(model: SentimentModel, deps: ClassifierDeps, records: InRecord<typeof Topics.raw>[]): Promise<{ stored: number; duplicates: number; dead: number }> {
  const dead: DeadLetter[] = [];
  const messages = records.map((r) => r.value);
  const stage = (name: ClassifyStage) => deps.metrics.stageSeconds.startTimer({ stage: name });
  const endInference = stage('inference');
  const outcomes = messages.length ? await classifyIsolating(model, messages.map((m) => m.text)) : [];
  endInference();
  const rows: ScoredMessage[] = [];
  const now = Date.now();
  const classifiedAt = new Date(now).toISOString();
  outcomes.forEach((o, i) => {
    const message = messages[i]!;
    if (o.ok) rows.push(scored(message, o.prediction, model.info.model, deps.matcher.match(message), classifiedAt));
    else dead.push(deadLetter('classifier', o.reason, message, message.id));
  });
  const endStore = stage('store');
  const { inserted, duplicates } = rows.length ? await deps.messages.insert(rows) : { inserted: 0, duplicates: 0 };
  endStore();
  // Published after the write, so whoever sees a scored message can also find its row.
  const endPublish = stage('publish');
  await deps.bus.publish(Topics.scored, rows.map((m) => ({ key: m.id, value: m })));
  if (dead.length) await deps.bus.publish(Topics.dlq, dead.map((d, i) => ({ key: d.id ?? `classifier-${now}-${i}`, value: d })));
  endPublish();
  deps.shadow?.observe(rows);
  return { stored: inserted, duplicates, dead: dead.length };
}

/** Joins the classifier group and processes micro-batches until stopped. */
export async function startClassifier(deps: ClassifierDeps): Promise<Subscription> {
  const { metrics } = deps;
  return deps.bus.consume({
    group: ClassifierGroup,
    topic: Topics.raw,
    maxBatch: deps.batchMax,
    maxWaitMs: deps.batchWaitMs,
    // Stateless per message and stored idempotently by id: a batch's inference may overlap the insert of the one before.
    pipelined: true,
    ...(deps.maxInFlightRecords ? { maxInFlightRecords: deps.maxInFlightRecords } : {}),
    ...(deps.onFatal ? { onFatal: deps.onFatal } : {}),
    handler: async (records) => {
      const stopTimer = metrics.batchSeconds.startTimer();
      metrics.batchSize.observe(records.length);
      const result = await processBatch(deps, records);
      stopTimer();
      metrics.classified.inc({ result: 'stored' }, result.stored);
      metrics.classified.inc({ result: 'duplicate' }, result.duplicates);
      if (result.dead) metrics.deadLettered.inc({ stage: 'classifier' }, result.dead);
      metrics.noteClassified(records.length);
    },
  });
}
