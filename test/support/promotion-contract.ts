/**
 * Promotion without downtime, run against both runtimes: messages are ingested over HTTP without
 * a pause while a second model is promoted and then rolled back. Every accepted message must be
 * stored exactly once (listed once, counted once by the aggregate), ingestion is never refused,
 * the messages classified after the swap carry the new version and those after the rollback the
 * old one, and both actions are in the audit log. Then a challenger runs in shadow on a share of
 * the traffic: its labels are stored beside the champion's and counted, until it is stopped.
 *
 * The runtimes and the server are test/support/test-runtimes.ts's; the ingest, swaps and account
 * are test/support/swap-under-load.ts's (the learning-loop test uses them as well).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { modelLabel } from '../../lib/classify/champion-model.ts';
import type { AuditPage } from '../../lib/contracts/api.ts';
import type { ChampionHistory, ShadowStatus } from '../../lib/contracts/model-promotion.ts';
import { loadConfig } from '../../lib/config.ts';
import { readDataset } from '../../lib/datasets.ts';
import { shippedModelDir } from '../../lib/paths.ts';
import type { Pulse } from '../../server/pulse.ts';
import { modelIdentity } from '../../models/runtime/model-identity.ts';
import { copyShippedModel } from './model-copy.ts';
import { assertScoredBySwaps, assertStoredOnce, promoteAndRollBackUnderLoad, settleMs } from './swap-under-load.ts';
import { startTestPulse, type TestPulse, type TestRuntime } from './test-runtimes.ts';
import { waitFor } from './wait.ts';

export function promotionContract(runtime: TestRuntime): void {
  describe(`promotion and rollback while ingesting (${runtime.name})`, () => {
    let server: TestPulse;
    let pulse: Pulse;
    const texts = readDataset(loadConfig().datasetsDir, 'tweeteval-val').map((r) => r.text);
    const from = new Date(Date.now() - 60_000).toISOString();

    before(async () => {
      server = await startTestPulse(runtime, 'pulse-promotion-');
      pulse = server.pulse;
    });

    after(async () => {
      await server?.close();
    });

    it('swaps the model in every classifier without losing, doubling or refusing a message; rollback restores it', async () => {
      const shipped = await modelIdentity(shippedModelDir);
      const challengerDir = copyShippedModel(path.join(server.dataDir, 'models', 'challenger'), 'pulse-challenger');
      const challenger = await modelIdentity(challengerDir);
      await pulse.store.models.register({
        version: challenger.version, name: challenger.name, dir: challengerDir, source: 'trained', createdBy: 'test', data: {}, metrics: {},
      });
      const labels = { oldLabel: modelLabel(shipped.name, shipped.version), newLabel: modelLabel(challenger.name, challenger.version) };

      const swapped = await promoteAndRollBackUnderLoad(pulse, { version: challenger.version, ...labels, texts, idPrefix: 'p-', source: 'promo' });
      const { promoted, rolledBack } = swapped;
      assert.deepEqual([promoted.action, promoted.from.version, promoted.to.version, promoted.to.name], ['promote', shipped.version, challenger.version, 'pulse-challenger']);
      assert.deepEqual([rolledBack.action, rolledBack.to.version, rolledBack.to.configured], ['rollback', shipped.version, true]);
      // Every accepted message once: the listing and the aggregate agree with what was sent.
      const listed = await assertStoredOnce(pulse.url, from, swapped.sentIds);
      // Scored after the swap (past the batches already in flight): the new version; after the rollback: the old.
      assertScoredBySwaps(listed, swapped, labels);

      const history = (await (await fetch(`${pulse.url}/api/models/champions`)).json()) as ChampionHistory;
      assert.deepEqual(history.changes.map((c) => c.action), ['rollback', 'promote'], 'newest first');
      assert.equal(history.serving.version, shipped.version);
      assert.equal(history.rollbackTo, null);
      const audit = (await (await fetch(`${pulse.url}/api/audit?limit=50`)).json()) as AuditPage;
      const actions = audit.entries.filter((e) => e.action.startsWith('model.')).map((e) => [e.action, e.target.id]);
      assert.deepEqual(actions, [['model.rollback', shipped.version], ['model.promote', challenger.version]]);
    });

    it('runs a challenger in shadow on a share of live traffic, its labels beside the champion\'s, until stopped', async () => {
      const challenger = (await pulse.store.models.list()).find((m) => m.name === 'pulse-challenger')!;
      const shadowPath = `${pulse.url}/api/models/${encodeURIComponent(challenger.version)}/shadow`;
      const status = async () => (await (await fetch(shadowPath)).json()) as ShadowStatus;
      const started = await fetch(shadowPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sample: 0.5 }) });
      assert.equal(started.status, 200);
      assert.equal(((await started.json()) as ShadowStatus).running?.sample, 0.5);
      const bad = await fetch(shadowPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sample: 2 }) });
      assert.equal(bad.status, 400);
      // Every process loads the challenger within a poll; then a batch of messages goes through.
      await new Promise((resolve) => setTimeout(resolve, 2 * settleMs));
      const batch = Array.from({ length: 400 }, (_, i) => ({ id: `s-${i}`, source: 'shadow', text: texts[i % texts.length] }));
      const res = await fetch(`${pulse.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
      assert.equal(res.status, 202);
      // The sample is chosen by the id's hash: about half of these, less what a busy challenger skips; it has the champion's weights, so it always agrees.
      await waitFor(async () => (await status()).agreement.compared >= 30, 30_000, 200);
      const seen = (await status()).agreement;
      assert.ok(seen.compared < 400, `a share, not all: ${seen.compared}`);
      assert.equal(seen.agreed, seen.compared);
      const stopped = await fetch(shadowPath, { method: 'DELETE' });
      assert.equal(stopped.status, 200);
      assert.equal((await status()).running, null);
      assert.equal((await fetch(shadowPath, { method: 'DELETE' })).status, 404, 'not running any more');
    });
  });
}
