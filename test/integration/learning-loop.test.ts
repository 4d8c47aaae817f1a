/**
 * The learning loop end to end (issue 16's first "Done when"), on both buses, through the HTTP
 * API of a real in-process server: messages of a domain the shipped model reads badly are
 * ingested and classified, people label them with their dataset labels, a CI-sized training job
 * (1 epoch) fine-tunes a challenger that beats the champion on the held-back fifth of those
 * labels, it is promoted while a sender keeps ingesting (every post answered 202), messages
 * scored after the swap carry its `name@version`, a rollback brings the old one back, and every
 * acknowledged id is stored and counted exactly once.
 *
 * The domain: a team that reads irony as negative, the shipped model's known weakness (it reads
 * ~43 % of ironic tweets as positive, models/README.md). Its messages are the 1,445 ironic tweets
 * of the SemEval-2018 irony train split (../shared/datasets/tweeteval/irony, label 1; the model
 * never trained on that split), each labelled negative by the team; their ids, `irony-<row>`,
 * decide the held-back fifth (298). The sender sends the same tweets again under new ids. The
 * trainer is seeded (models/train/finetune.py) and the job's data is fixed, so the figures are the
 * same on every run and both buses: accuracy (= macro recall: one class) 31.2 → 60.4 % on the
 * held-back labels.
 * Why not review sentences (SemEval-2014 ABSA laptops, this test's domain until the shipped model
 * was retrained for issue 17): on those the retrained model is right 72 % of the time and a
 * CI-sized job keeps its unchanged weights (its epoch is picked on a dev slice that is mostly
 * base data), so the challenger only equals the champion; `npm run bench:adapt` measures them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { modelLabel } from '../../lib/classify/champion-model.ts';
import { loadConfig } from '../../lib/config.ts';
import { readIrony } from '../../lib/datasets.ts';
import { MaxLabelledAtOnce, type BulkLabelResponse, type MessageResponse } from '../../lib/contracts/labels.ts';
import type { ModelsResponse, TrainedModelMetrics, TrainingJob } from '../../lib/contracts/training-jobs.ts';
import { shippedModelDir } from '../../lib/paths.ts';
import { Labels } from '../../lib/sentiment.ts';
import { heldBackText, isHeldBack } from '../../lib/training/held-back.ts';
import { modelIdentity } from '../../models/runtime/model-identity.ts';
import { assertScoredBySwaps, assertStoredOnce, listAll, promoteAndRollBackUnderLoad } from '../support/swap-under-load.ts';
import { inProcessRuntime, kafkaMockRuntime, startTestPulse, type TestPulse, type TestRuntime } from '../support/test-runtimes.ts';
import { waitFor } from '../support/wait.ts';

/** One epoch: the CI-sized job. */
const epochs = 1;

/** The labelled messages: 4/5 trained on, the rest the held-back comparison. */
const domain = readIrony(loadConfig().datasetsDir, 'train').flatMap((r, row) =>
  r.ironic ? [{ id: `irony-${row}`, text: r.text, label: 'negative' as const }] : [],
);
const labelled = domain.length;

async function post<T>(url: string, body: unknown, status = 200): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, status, await res.clone().text());
  return (await res.json()) as T;
}

const get = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

function learningLoop(runtime: TestRuntime): void {
  describe(`the learning loop: label, train, compare, promote, roll back (${runtime.name})`, { timeout: 300_000 }, () => {
    let server: TestPulse;
    let url: string;
    const from = new Date(Date.now() - 60_000).toISOString();

    before(async () => {
      server = await startTestPulse(runtime, 'pulse-learning-loop-');
      url = server.pulse.url;
    });

    after(async () => {
      await server?.close();
    });

    it('learns a domain from people\'s labels and swaps the result in and out without losing a message', async (t) => {
      const shipped = await modelIdentity(shippedModelDir);
      const oldLabel = modelLabel(shipped.name, shipped.version);

      // 1. The domain's messages through the real ingest, scored by the shipped model.
      await post(`${url}/api/ingest`, domain.map((s) => ({ id: s.id, source: 'ironic', text: s.text })), 202);
      const scored = async () => (await listAll(url)).filter((m) => m.model === oldLabel);
      await waitFor(async () => (await scored()).length === labelled, 60_000, 250);
      const modelSaid = new Map((await scored()).map((m) => [m.id, m.label]));
      const shippedAccuracy = domain.filter((s) => modelSaid.get(s.id) === s.label).length / labelled;
      t.diagnostic(`shipped model on the ${labelled} ironic tweets: ${(100 * shippedAccuracy).toFixed(1)} % accuracy`);
      assert.ok(shippedAccuracy < 0.75, `a domain the shipped model reads badly: ${shippedAccuracy}`);

      // 2. People label them: one through the single form, the rest in bulk, by label.
      const [first, ...rest] = domain;
      const one = await post<MessageResponse>(`${url}/api/messages/${encodeURIComponent(first!.id)}/label`, { label: first!.label });
      assert.equal(one.message.humanLabel, first!.label);
      for (const label of Labels) {
        const ids = rest.filter((s) => s.label === label).map((s) => s.id);
        for (let i = 0; i < ids.length; i += MaxLabelledAtOnce) {
          const chunk = ids.slice(i, i + MaxLabelledAtOnce);
          const answer = await post<BulkLabelResponse>(`${url}/api/messages/labels`, { ids: chunk, label });
          assert.deepEqual([answer.labelled.length, answer.unknown], [chunk.length, []]);
        }
      }

      // 3. A CI-sized job on people's labels.
      const started = Date.now();
      const { job } = await post<{ job: TrainingJob }>(`${url}/api/models/train`, { includeLabels: true, sets: [], epochs }, 202);
      let done = job;
      await waitFor(async () => {
        done = (await get<{ job: TrainingJob }>(`${url}/api/models/jobs/${job.id}`)).job;
        return done.state !== 'queued' && done.state !== 'running';
      }, 180_000, 500);
      assert.equal(done.state, 'succeeded', done.reason ?? '');
      t.diagnostic(`training job: ${((Date.now() - started) / 1000).toFixed(1)} s from the request to succeeded`);

      // 4. The challenger beats the champion on the held-back labels, both measured on the same rows.
      const registry = await get<ModelsResponse>(`${url}/api/models`);
      assert.equal(registry.champion.version, shipped.version);
      const challenger = registry.models.find((m) => m.version === done.modelVersion);
      assert.ok(challenger, `${done.modelVersion} registered`);
      // Held back by id, and their texts under no other id (a tweet repeated under another id stays out).
      const heldBackRows = domain.filter((s) => isHeldBack(s.id));
      const heldBack = heldBackRows.length;
      const isHeldBackText = heldBackText(heldBackRows);
      const trained = domain.filter((s) => !isHeldBack(s.id) && !isHeldBackText(s.text)).length;
      assert.deepEqual(challenger.data.peopleLabels, { trained, heldBack }, 'the held-back fifth is never trained on');
      const metrics = challenger.metrics as unknown as TrainedModelMetrics;
      assert.equal(metrics.championVersion, shipped.version);
      const held = metrics.comparisons.find((c) => c.set === 'held-back labels');
      assert.ok(held, 'compared on the held-back labels');
      assert.deepEqual([held.challenger.n, held.champion.n], [heldBack, heldBack]);
      const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
      t.diagnostic(
        `held-back labels (${heldBack}): accuracy ${pct(held.champion.accuracy)} → ${pct(held.challenger.accuracy)}, ` +
          `macro recall ${pct(held.champion.macroRecall)} → ${pct(held.challenger.macroRecall)}`,
      );
      assert.ok(held.challenger.macroRecall > held.champion.macroRecall, 'the challenger recalls the domain\'s classes better');
      assert.ok(held.challenger.accuracy >= held.champion.accuracy, 'and is right no less often');

      // 5. Promoted while a sender keeps ingesting, then rolled back.
      const newLabel = modelLabel(challenger.name, challenger.version);
      const labels = { oldLabel, newLabel };
      const swapped = await promoteAndRollBackUnderLoad(server.pulse, { version: challenger.version, ...labels, texts: domain.map((s) => s.text), idPrefix: 'send-', source: 'ironic' });
      assert.deepEqual([swapped.promoted.to.version, swapped.rolledBack.to.version], [challenger.version, shipped.version]);

      // 6. Nothing lost or counted twice: the labelled messages and every acknowledged id, once.
      const listed = await assertStoredOnce(url, from, [...domain.map((s) => s.id), ...swapped.sentIds]);
      assertScoredBySwaps(listed, swapped, labels);
      t.diagnostic(`${swapped.sentIds.length} messages ingested across the promotion and the rollback, none refused`);
    });
  });
}

learningLoop(inProcessRuntime);
learningLoop(kafkaMockRuntime());
