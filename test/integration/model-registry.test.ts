/**
 * The model registry on chdb (promote, rollback as a chain, history, shadow settings and
 * agreement) and the swappable model under it: a batch holding the old model finishes on it,
 * the next lease gets the new one, and the old pool closes only once released.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ChampionModel } from '../../lib/classify/champion-model.ts';
import { loadConfig } from '../../lib/config.ts';
import { isPulseError } from '../../lib/errors.ts';
import { registerConfiguredModel } from '../../lib/models/configured-model.ts';
import { shippedModelDir } from '../../lib/paths.ts';
import { openStore, type Store } from '../../lib/store/index.ts';
import { championChain } from '../../lib/store/model-registry.ts';
import { modelIdentity } from '../../models/runtime/model-identity.ts';
import { copyShippedModel } from '../support/model-copy.ts';

describe('model registry on chdb', () => {
  let dataDir: string;
  let store: Store;
  let shipped: string;
  let other: string;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-registry-'));
    store = await openStore({ kind: 'chdb', dataDir, retentionDays: 30 });
    shipped = (await registerConfiguredModel(store.models, shippedModelDir)).version;
    const dir = copyShippedModel(path.join(dataDir, 'models', 'b'), 'pulse-sentiment-b');
    other = (await modelIdentity(dir)).version;
    await store.models.register({ version: other, name: 'pulse-sentiment-b', dir, source: 'trained', createdBy: 'ed@example.com', data: { labels: 12 }, metrics: { accuracy: 0.9 } });
  });

  after(async () => {
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers the configured model once, as shipped, by the system; lists newest first', async () => {
    assert.notEqual(shipped, other);
    await registerConfiguredModel(store.models, shippedModelDir);
    const models = await store.models.list();
    assert.deepEqual(models.map((m) => m.version), [other, shipped]);
    const first = models[1]!;
    assert.equal(first.source, 'shipped');
    assert.equal(first.createdBy, 'system');
    assert.equal(typeof first.metrics.trainedAt, 'string', 'the folder\'s metrics.json');
    assert.deepEqual(models[0]!.data, { labels: 12 });
  });

  it('promotes and rolls back along the chain of champions, every change kept', async () => {
    assert.equal(await store.models.champion(), null, 'the configured model serves until a promotion');
    await assert.rejects(store.models.rollback('ann'), (e) => isPulseError(e, 'CONFLICT'));
    await assert.rejects(store.models.promote('sha256:nope', 'ann'), (e) => isPulseError(e, 'NOT_FOUND'));
    await store.models.promote(other, 'ann');
    await assert.rejects(store.models.promote(other, 'ann'), (e) => isPulseError(e, 'CONFLICT'));
    assert.equal((await store.models.champion())?.version, other);
    await store.models.promote(shipped, 'bob');
    const back = await store.models.rollback('bob');
    assert.deepEqual([back.from, back.to], [shipped, other]);
    const home = await store.models.rollback('ann');
    assert.deepEqual([home.from, home.to], [other, null], 'past the first promotion: the configured model');
    assert.equal(await store.models.championVersion(), null);
    const history = await store.models.history();
    assert.deepEqual(history.map((c) => [c.action, c.from, c.to, c.by]), [
      ['promote', null, other, 'ann'], ['promote', other, shipped, 'bob'], ['rollback', shipped, other, 'bob'], ['rollback', other, null, 'ann'],
    ]);
    assert.deepEqual(championChain(history), [null]);
  });

  it('keeps the shadow setting and counts agreement per champion label', async () => {
    assert.equal(await store.models.shadow(), null);
    await store.models.startShadow(other, 0.25, 'ann');
    assert.deepEqual(await store.models.shadow().then((s) => s && [s.version, s.sample]), [other, 0.25]);
    const ts = new Date().toISOString();
    await store.models.appendShadowLabels([
      { id: 'a', ts, version: other, championVersion: 'x@1', championLabel: 'positive', challengerLabel: 'positive' },
      { id: 'b', ts, version: other, championVersion: 'x@1', championLabel: 'positive', challengerLabel: 'neutral' },
      { id: 'c', ts, version: other, championVersion: 'x@1', championLabel: 'negative', challengerLabel: 'negative' },
    ]);
    const agreement = await store.models.shadowAgreement(other);
    assert.deepEqual([agreement.compared, agreement.agreed], [3, 2]);
    assert.deepEqual(agreement.byChampionLabel, [{ label: 'negative', compared: 1, agreed: 1 }, { label: 'positive', compared: 2, agreed: 1 }]);
    await store.models.stopShadow('ann');
    assert.equal(await store.models.shadow(), null);
  });

  it('swaps the model between batches: a held lease finishes on the old pool, which closes once released', async () => {
    const config = loadConfig({ ...process.env, PULSE_MODEL_THREADS: '1' }).model;
    const model = await ChampionModel.start(config, shippedModelDir);
    try {
      const held = model.acquire();
      assert.match(held.model.info.model, new RegExp(`@${shipped}$`));
      await model.swap((await store.models.get(other))!.dir);
      const next = model.acquire();
      assert.equal(next.model.info.model, `pulse-sentiment-b@${other}`);
      // The batch that started before the swap still scores, on the old weights.
      assert.equal((await held.model.classify(['what a lovely day'])).length, 1);
      held.release();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await assert.rejects(held.model.classify(['closed now']), (e) => isPulseError(e, 'MODEL_POOL_CLOSED'));
      assert.equal((await next.model.classify(['what a lovely day'])).length, 1);
      next.release();
    } finally {
      await model.close();
    }
  });
});
