/**
 * A champion swapped while ingestion goes on, and the account afterwards, through the HTTP API of
 * a real server: a sender that never pauses, a promotion and a rollback between its posts, then
 * every acknowledged id stored once (listed once, counted once by `sentiment_1s`) and the rows
 * scored after each swap carrying the model it swapped to. Shared by the promotion contract and
 * the learning-loop test.
 */
import assert from 'node:assert/strict';
import { Topics } from '../../lib/bus/topics.ts';
import type { ChampionChangeView, ChampionChanged } from '../../lib/contracts/model-promotion.ts';
import type { Pulse } from '../../server/pulse.ts';
import { waitFor } from './wait.ts';

/** Past a swap seen in one process: the others' next poll and load, and the batches in flight. */
export const settleMs = 2_000;

export interface Listed {
  id: string;
  /** The model's label and the model that gave it (`name@version`). */
  label: string;
  model: string;
  classifiedAt: string;
}

/** The newest stored message. */
export async function latestScored(url: string): Promise<Listed | undefined> {
  const page = (await (await fetch(`${url}/api/messages?limit=1`)).json()) as { messages: Listed[] };
  return page.messages[0];
}

/** Every stored message, page by page. */
export async function listAll(url: string): Promise<Listed[]> {
  const listed: Listed[] = [];
  let cursor: string | undefined;
  do {
    const page = (await (await fetch(`${url}/api/messages?limit=500${cursor ? `&cursor=${cursor}` : ''}`)).json()) as { messages: Listed[]; nextCursor?: string };
    listed.push(...page.messages);
    cursor = page.nextCursor;
  } while (cursor);
  return listed;
}

async function postChange(url: string, route: string): Promise<ChampionChangeView> {
  const res = await fetch(`${url}${route}`, { method: 'POST' });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as ChampionChanged).change;
}

export interface SwapOptions {
  /** The registered model promoted. */
  version: string;
  /** `name@version` of the champion before, and of the model promoted. */
  oldLabel: string;
  newLabel: string;
  /** Texts the sender cycles through; ids are `<idPrefix><n>`. */
  texts: readonly string[];
  idPrefix: string;
  source: string;
}

export interface Swapped {
  promoted: ChampionChangeView;
  rolledBack: ChampionChangeView;
  /** Every id the server acknowledged (202), in order. */
  sentIds: string[];
  /** From here to `rollbackAt`, every row was scored by the promoted model. */
  promotedAt: number;
  rollbackAt: number;
}

/**
 * Promotes `version`, then rolls back, while a sender posts 20 messages every 40 ms; each swap is
 * awaited in the newest scored row. Returns once the sender stopped, none of its posts was
 * refused, and the classifiers caught up.
 */
export async function promoteAndRollBackUnderLoad(pulse: Pulse, options: SwapOptions): Promise<Swapped> {
  const { url } = pulse;
  const sentIds: string[] = [];
  let next = 0;
  let sending = true;
  const refusals: number[] = [];
  const sender = (async () => {
    while (sending) {
      const batch = Array.from({ length: 20 }, () => {
        const n = next++;
        return { id: `${options.idPrefix}${n}`, source: options.source, text: options.texts[n % options.texts.length] };
      });
      const res = await fetch(`${url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
      if (res.status === 202) sentIds.push(...((await res.json()) as { ids: string[] }).ids);
      else refusals.push(res.status);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  })();
  try {
    await waitFor(async () => (await latestScored(url))?.model === options.oldLabel, 30_000, 100);
    const promoted = await postChange(url, `/api/models/${encodeURIComponent(options.version)}/promote`);
    // A poll (1 s) and a load later a classifier scores with the new model; each process
    // follows on its own, so the others may take up to one more poll.
    await waitFor(async () => (await latestScored(url))?.model === options.newLabel, 30_000, 100);
    const promotedAt = Date.now() + settleMs;
    await new Promise((resolve) => setTimeout(resolve, 2 * settleMs));
    const rolledBack = await postChange(url, '/api/models/rollback');
    const rollbackAt = Date.now();
    await waitFor(async () => (await latestScored(url))?.model === options.oldLabel, 30_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 2 * settleMs));
    sending = false;
    await sender;
    assert.deepEqual(refusals, [], 'ingestion was never refused');
    await waitFor(async () => (await pulse.bus.lag('pulse-classifier', Topics.raw)) === 0, 60_000, 200);
    return { promoted, rolledBack, sentIds, promotedAt, rollbackAt };
  } finally {
    sending = false;
    await sender;
  }
}

/** Every id of `expected` stored exactly once, nothing else, and `sentiment_1s` counts each once since `from`. */
export async function assertStoredOnce(url: string, from: string, expected: readonly string[]): Promise<Listed[]> {
  const statsUrl = `${url}/api/stats?from=${from}&bucket=1h`;
  const counted = async () => ((await (await fetch(statsUrl)).json()) as { buckets: Array<{ count: number }> }).buckets.reduce((s, b) => s + b.count, 0);
  await waitFor(async () => (await counted()) >= expected.length, 30_000, 200);
  const listed = await listAll(url);
  const ids = new Set(listed.map((m) => m.id));
  assert.equal(ids.size, listed.length, 'no message stored twice');
  assert.equal(listed.length, expected.length, 'every accepted message stored, nothing else');
  for (const id of expected) assert.ok(ids.has(id), `${id} missing`);
  assert.equal(await counted(), expected.length, 'counted once each');
  return listed;
}

/** Rows scored while the promoted model served carry its label; those after the rollback, the old one. */
export function assertScoredBySwaps(listed: readonly Listed[], swapped: Swapped, labels: { oldLabel: string; newLabel: string }): void {
  const at = (m: Listed) => Date.parse(m.classifiedAt);
  const between = listed.filter((m) => at(m) > swapped.promotedAt && at(m) < swapped.rollbackAt);
  assert.ok(between.length > 20, `messages scored while the promoted model served: ${between.length}`);
  assert.deepEqual([...new Set(between.map((m) => m.model))], [labels.newLabel]);
  const lastRows = listed.filter((m) => at(m) > swapped.rollbackAt + 2 * settleMs);
  assert.ok(lastRows.length > 20 && lastRows.every((m) => m.model === labels.oldLabel), 'after the rollback: the old version');
  assert.deepEqual(new Set(listed.map((m) => m.model)), new Set([labels.oldLabel, labels.newLabel]));
}
