/**
 * Promotion without downtime, run against both runtimes: messages are ingested over HTTP without
 * a pause while a second model is promoted and then rolled back. Every accepted message must be
 * stored exactly once (listed once, counted once by the aggregate), ingestion is never refused,
 * the messages classified after the swap carry the new version and those after the rollback the
 * old one, and both actions are in the audit log. Then a challenger runs in shadow on a share of
 * the traffic: its labels are stored beside the champion's and counted, until it is stopped.
 *
 * `classifiers` runs the classify stage: the server's own members (embedded) or services that
 * stand for worker processes, each following the registry on its own as a worker does.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { modelLabel } from '../../lib/classify/champion-model.ts';
import type { AuditPage } from '../../lib/contracts/api.ts';
import type { ChampionChanged, ChampionHistory, ShadowStatus } from '../../lib/contracts/model-promotion.ts';
import { Topics } from '../../lib/bus/topics.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import { readDataset } from '../../lib/datasets.ts';
import { shippedModelDir } from '../../lib/paths.ts';
import { startPulse, type Pulse } from '../../server/pulse.ts';
import { modelIdentity } from '../../models/runtime/model-identity.ts';
import { copyShippedModel } from './model-copy.ts';
import { waitFor } from './wait.ts';

export interface PromotionRuntime {
  env(): Promise<Record<string, string>>;
  /** Starts classifiers outside the server (worker stand-ins); returns their stop. */
  classifiers?(pulse: Pulse, config: Config): Promise<() => Promise<void>>;
  stop?(): Promise<void>;
}

/** Past a swap seen in one process: the others' next poll and load, and the batches in flight. */
const settleMs = 2_000;

interface Listed {
  id: string;
  model: string;
  classifiedAt: string;
}

export function promotionContract(name: string, runtime: PromotionRuntime): void {
  describe(`promotion and rollback while ingesting (${name})`, () => {
    let pulse: Pulse;
    let dataDir: string;
    let stopClassifiers: (() => Promise<void>) | undefined;
    const texts = readDataset(loadConfig().datasetsDir, 'tweeteval-val').map((r) => r.text);
    const from = new Date(Date.now() - 60_000).toISOString();

    before(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-promotion-'));
      const env = {
        PORT: '0', HOST: '127.0.0.1', PULSE_DEMO: '0', PULSE_DATA_DIR: dataDir, PULSE_SCALE: '0',
        PULSE_MODEL_THREADS: '1', PULSE_BATCH_MAX: '50', PULSE_BATCH_WAIT_MS: '20', ...(await runtime.env()),
      };
      const config = loadConfig({ ...process.env, ...env });
      pulse = await startPulse(config);
      stopClassifiers = await runtime.classifiers?.(pulse, config);
    });

    after(async () => {
      await stopClassifiers?.();
      await pulse?.close();
      await runtime.stop?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('swaps the model in every classifier without losing, doubling or refusing a message; rollback restores it', async () => {
      const shipped = await modelIdentity(shippedModelDir);
      const challengerDir = copyShippedModel(path.join(dataDir, 'models', 'challenger'), 'pulse-challenger');
      const challenger = await modelIdentity(challengerDir);
      await pulse.store.models.register({
        version: challenger.version, name: challenger.name, dir: challengerDir, source: 'trained', createdBy: 'test', data: {}, metrics: {},
      });
      const oldLabel = modelLabel(shipped.name, shipped.version);
      const newLabel = modelLabel(challenger.name, challenger.version);

      // A sender that never pauses: 20 messages every 40 ms until told to stop.
      let sent = 0;
      let sending = true;
      const refusals: number[] = [];
      const sender = (async () => {
        while (sending) {
          const batch = Array.from({ length: 20 }, (_, i) => ({ id: `p-${sent + i}`, source: 'promo', text: texts[(sent + i) % texts.length] }));
          const res = await fetch(`${pulse.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
          if (res.status === 202) sent += ((await res.json()) as { accepted: number }).accepted;
          else refusals.push(res.status);
          await new Promise((resolve) => setTimeout(resolve, 40));
        }
      })();
      const latest = async (): Promise<Listed | undefined> => {
        const page = (await (await fetch(`${pulse.url}/api/messages?limit=1`)).json()) as { messages: Listed[] };
        return page.messages[0];
      };
      const post = async (url: string) => {
        const res = await fetch(`${pulse.url}${url}`, { method: 'POST' });
        assert.equal(res.status, 200, await res.clone().text());
        return ((await res.json()) as ChampionChanged).change;
      };

      try {
        await waitFor(async () => (await latest())?.model === oldLabel, 30_000, 100);
        const promoted = await post(`/api/models/${encodeURIComponent(challenger.version)}/promote`);
        assert.deepEqual([promoted.action, promoted.from.version, promoted.to.version, promoted.to.name], ['promote', shipped.version, challenger.version, 'pulse-challenger']);
        // A poll (1 s) and a load later a classifier scores with the challenger; each process
        // follows on its own, so the others may take up to one more poll.
        await waitFor(async () => (await latest())?.model === newLabel, 30_000, 100);
        const promotedAt = Date.now() + settleMs;
        await new Promise((resolve) => setTimeout(resolve, 2 * settleMs));
        const rolledBack = await post('/api/models/rollback');
        assert.deepEqual([rolledBack.action, rolledBack.to.version, rolledBack.to.configured], ['rollback', shipped.version, true]);
        const rollbackAt = Date.now();
        await waitFor(async () => (await latest())?.model === oldLabel, 30_000, 100);
        await new Promise((resolve) => setTimeout(resolve, 2 * settleMs));

        sending = false;
        await sender;
        assert.deepEqual(refusals, [], 'ingestion was never refused');
        await waitFor(async () => (await pulse.bus.lag('pulse-classifier', Topics.raw)) === 0, 60_000, 200);

        // Every accepted message once: the listing and the aggregate agree with what was sent.
        const listed: Listed[] = [];
        let cursor: string | undefined;
        await waitFor(async () => {
          const page = (await (await fetch(`${pulse.url}/api/stats?from=${from}&bucket=1h`)).json()) as { buckets: Array<{ count: number }> };
          return page.buckets.reduce((s, b) => s + b.count, 0) >= sent;
        }, 30_000, 200);
        do {
          const page = (await (await fetch(`${pulse.url}/api/messages?limit=500${cursor ? `&cursor=${cursor}` : ''}`)).json()) as { messages: Listed[]; nextCursor?: string };
          listed.push(...page.messages);
          cursor = page.nextCursor;
        } while (cursor);
        const ids = new Set(listed.map((m) => m.id));
        assert.equal(ids.size, listed.length, 'no message stored twice');
        assert.equal(listed.length, sent, 'every accepted message stored');
        for (let i = 0; i < sent; i++) assert.ok(ids.has(`p-${i}`), `p-${i} missing`);
        const stats = (await (await fetch(`${pulse.url}/api/stats?from=${from}&bucket=1h`)).json()) as { buckets: Array<{ count: number }> };
        assert.equal(stats.buckets.reduce((s, b) => s + b.count, 0), sent, 'counted once each');

        // Scored after the swap (past the batches already in flight): the new version; after the rollback: the old.
        const at = (m: Listed) => Date.parse(m.classifiedAt);
        const between = listed.filter((m) => at(m) > promotedAt && at(m) < rollbackAt);
        assert.ok(between.length > 20, `messages scored while the challenger served: ${between.length}`);
        assert.deepEqual([...new Set(between.map((m) => m.model))], [newLabel]);
        const lastRows = listed.filter((m) => at(m) > rollbackAt + 2 * settleMs);
        assert.ok(lastRows.length > 20 && lastRows.every((m) => m.model === oldLabel), 'after the rollback: the old version');
        assert.deepEqual(new Set(listed.map((m) => m.model)), new Set([oldLabel, newLabel]));
      } finally {
        sending = false;
        await sender;
      }

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
