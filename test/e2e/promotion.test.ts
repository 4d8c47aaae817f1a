/**
 * Promotion and rollback on the Models page in a real browser (test/support/browser.ts), with
 * authentication enforced: an admin promotes a second registered model (a copy of the shipped
 * one with other bytes, so another version) after a confirmation; the champion shown changes,
 * the history lists it, a message ingested afterwards is scored by it (the live feed's detail
 * names the version), the rollback brings the configured model back, and the audit log has both.
 * Then the challenger runs in shadow on all traffic from the page, its agreement shown, and stops.
 * A viewer sees the champion and its history but no way to change them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { modelLabel } from '../../lib/classify/champion-model.ts';
import type { StoredMessage } from '../../lib/contracts/messages.ts';
import { shippedModelDir } from '../../lib/paths.ts';
import { modelIdentity, type ModelIdentity } from '../../models/runtime/model-identity.ts';
import type { Pulse } from '../../server/pulse.ts';
import { apiClient } from '../support/api-client.ts';
import { screenshot, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';
import { copyShippedModel } from '../support/model-copy.ts';

const admin = { email: 'admin@example.com', password: 'correct horse battery staple' };
const viewer = { email: 'viewer@example.com', password: 'viewer password 123' };

describe('promotion and rollback in a real browser', { timeout: 5 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;
  let modelsDir: string;
  let shipped: ModelIdentity;
  let challenger: ModelIdentity;
  let adminSession: Record<string, string>;
  let ingestKey: string;

  const text = async (locator: Locator) => (await locator.textContent())?.trim() ?? '';
  const { api, login } = apiClient(() => pulse.url);
  const signIn = async (p: Page, who: { email: string; password: string }) => {
    await p.goto(`${pulse.url}/models`);
    await p.waitForURL(/\/login\?next=%2Fmodels$/);
    const form = p.getByTestId('login-form');
    await form.getByLabel('Email').fill(who.email);
    await form.getByLabel('Password').fill(who.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(`${pulse.url}/models`);
  };
  const serving = (p: Page) => text(p.getByTestId('champion-serving'));
  /** Ingests one message and reads it back once stored. */
  const scored = async (id: string, messageText: string) => {
    assert.equal((await api('/api/ingest', { method: 'POST', body: [{ id, source: 'e2e-promotion', text: messageText }], headers: { authorization: `Bearer ${ingestKey}` } })).status, 202);
    return (await until(`stored ${id}`, () => api(`/api/messages/${id}`, { headers: adminSession }), (r) => r.status === 200)).body.message as StoredMessage;
  };

  before(async () => {
    test = await startBrowserTest({ name: 'promotion', env: { PULSE_ADMIN_EMAIL: admin.email, PULSE_ADMIN_PASSWORD: admin.password } });
    ({ pulse, page } = test);
    adminSession = await login(admin);
    assert.equal((await api('/api/users', { method: 'POST', body: { ...viewer, role: 'viewer' }, headers: adminSession })).status, 201);
    ingestKey = (await api('/api/keys', { method: 'POST', body: { name: 'promotion e2e', scopes: ['ingest'] }, headers: adminSession })).body.token as string;
    modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-e2e-promotion-models-'));
    const dir = copyShippedModel(path.join(modelsDir, 'challenger'), 'pulse-challenger');
    shipped = await modelIdentity(shippedModelDir);
    challenger = await modelIdentity(dir);
    await pulse.store.models.register({ version: challenger.version, name: challenger.name, dir, source: 'trained', createdBy: admin.email, data: {}, metrics: {} });
  });

  after(async () => {
    await test?.close();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  });

  it('promotes a model after a confirmation; the champion shown and the version of new messages change', async () => {
    await signIn(page, admin);
    const panel = page.getByTestId('champion-panel');
    await until('serving', () => serving(page), (t) => t.includes(`pulse-sentiment ${shipped.version}`) && t.includes('(configured)'));
    assert.equal((await scored('before', 'A lovely calm morning')).model, modelLabel(shipped.name, shipped.version));

    await panel.getByLabel('Model').selectOption(challenger.version);
    await panel.getByRole('button', { name: 'Promote…' }).click();
    const dialog = panel.getByRole('alertdialog');
    assert.ok((await text(dialog)).includes(`Promote pulse-challenger ${challenger.version}?`));
    await screenshot(page, 'promotion-confirm.png');
    await dialog.getByRole('button', { name: 'Promote', exact: true }).click();
    await until('serving', () => serving(page), (t) => t.includes(`pulse-challenger ${challenger.version}`));
    const history = page.getByTestId('champion-history').locator('tbody tr');
    await until('history', () => history.count(), (n) => n === 1);
    const row = await text(history.first());
    for (const part of ['Promoted', 'pulse-sentiment', 'pulse-challenger', admin.email]) assert.ok(row.includes(part), `${part} in ${row}`);
    await screenshot(page, 'promotion-promoted.png');

    // The in-process classifier follows within a poll and a load: a message sent after that carries the new version.
    const newLabel = modelLabel(challenger.name, challenger.version);
    let n = 0;
    await until('scored by the challenger', async () => (await scored(`after-${n++}`, 'Such a wonderful surprise')).model, (m) => m === newLabel, 30_000);

    // The live feed's detail names the model that scored the message.
    await page.goto(`${pulse.url}/?window=1h&source=e2e-promotion`);
    await until('connection badge', () => text(page.getByTestId('connection')), (t) => t.startsWith('Live') && !t.includes('waiting'));
    await scored('in-feed', 'Fresh news from the promoted model');
    const entry = page.getByTestId('feed').locator('li').filter({ hasText: 'Fresh news from the promoted model' });
    await entry.getByRole('button').click();
    await until('scored by', () => text(page.getByTestId('message-detail').getByTestId('scored-by')), (t) => t === newLabel);
  });

  it('shows the champion to a viewer without Promote or Roll back', async () => {
    const other = await test.newPage();
    await signIn(other, viewer);
    await until('serving (viewer)', () => serving(other), (t) => t.includes('pulse-challenger'));
    assert.equal(await other.getByTestId('champion-history').locator('tbody tr').count(), 1);
    assert.equal(await other.getByRole('button', { name: /Promote|Roll back/ }).count(), 0);
    await other.close();
  });

  it('rolls back after a confirmation to the configured model; the audit log has both', async () => {
    await page.goto(`${pulse.url}/models`);
    const panel = page.getByTestId('champion-panel');
    await panel.getByRole('button', { name: 'Roll back…' }).click();
    const dialog = panel.getByRole('alertdialog');
    assert.ok((await text(dialog)).includes(`Roll back from pulse-challenger ${challenger.version} to pulse-sentiment ${shipped.version}`));
    await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
    await until('serving', () => serving(page), (t) => t.includes(`pulse-sentiment ${shipped.version}`));
    await until('history', () => page.getByTestId('champion-history').locator('tbody tr').count(), (n) => n === 2);
    assert.ok((await text(page.getByTestId('champion-history').locator('tbody tr').first())).includes('Rolled back'), 'newest first');
    assert.equal(await panel.getByRole('button', { name: 'Roll back…' }).count(), 0, 'nothing left to roll back');
    const oldLabel = modelLabel(shipped.name, shipped.version);
    let n = 0;
    await until('scored by the configured model again', async () => (await scored(`back-${n++}`, 'Back to the usual')).model, (m) => m === oldLabel, 30_000);

    await page.goto(`${pulse.url}/admin/audit`);
    await page.getByTestId('audit').waitFor();
    const rows = page.getByTestId('audit').locator(':scope > tbody > tr');
    await until('model entries', () => page.locator('tr[data-action^="model."]').count(), (count) => count === 2);
    const newest = await text(rows.filter({ hasText: 'Rolled back the model' }));
    const older = await text(rows.filter({ hasText: 'Promoted a model' }));
    assert.ok(newest.includes(admin.email) && older.includes(admin.email), `${newest} / ${older}`);
    await screenshot(page, 'promotion-audit.png');
  });

  it('runs a challenger in shadow on all traffic from the page, shows its agreement, and stops it', async () => {
    await page.goto(`${pulse.url}/models`);
    const shadow = page.getByTestId('shadow-panel');
    await until('no shadow', () => text(shadow), (t) => t.includes('No model runs in shadow.'));
    await shadow.getByLabel('Challenger').selectOption(challenger.version);
    await shadow.getByLabel('Share (%)').fill('100');
    await shadow.getByRole('button', { name: 'Run in shadow' }).click();
    await until('shadow running', () => text(shadow), (t) => t.includes(`${challenger.version} sees 100 % of live traffic`));
    // Once the classifier has loaded the challenger (a poll), the messages sent are scored by both; the same weights always agree.
    let n = 0;
    await until('agreement', async () => {
      await scored(`shadow-${n++}`, 'Another pleasant day at the office');
      await page.reload();
      return text(shadow.getByTestId('shadow-agreement'));
    }, (t) => /on [1-9]\d* of [1-9]\d* messages \(100 %\)/.test(t), 40_000);
    await screenshot(page, 'promotion-shadow.png');
    await shadow.getByRole('button', { name: 'Stop the shadow' }).click();
    await until('shadow stopped', () => text(shadow), (t) => t.includes('No model runs in shadow.'));
  });
});
