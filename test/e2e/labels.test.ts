/**
 * People's labels in a real browser (test/support/browser.ts), against a server with
 * authentication enforced: an editor marks a message from the live feed's detail and from the
 * drill-down (one row, then ticked rows at once); each row then shows the person's label beside
 * the model's, the CSV export has it in `human_label`, and the overview's agreement line counts
 * it. A viewer sees people's labels but no way to change them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Locator, Page } from 'playwright-core';
import type { Label, StoredMessage } from '../../lib/contracts/messages.ts';
import type { Pulse } from '../../server/pulse.ts';
import { apiClient } from '../support/api-client.ts';
import { screenshot, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';

const admin = { email: 'admin@example.com', password: 'correct horse battery staple' };
const editor = { email: 'editor@example.com', password: 'editor password 123' };
const viewer = { email: 'viewer@example.com', password: 'viewer password 123' };
const other = (l: Label): Label => (l === 'positive' ? 'negative' : 'positive');
const title = (l: Label) => l[0]!.toUpperCase() + l.slice(1);

describe('people\'s labels in a real browser', { timeout: 5 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;
  let adminSession: Record<string, string>;
  let editorSession: Record<string, string>;
  let ingestKey: string;
  /** What people labelled, by id, and the model's label of each. */
  const labelled = new Map<string, { human: Label; model: Label }>();

  const text = async (locator: Locator) => (await locator.textContent())?.trim() ?? '';
  const { api, login } = apiClient(() => pulse.url);
  const ingest = async (messages: unknown[]) =>
    assert.equal((await api('/api/ingest', { method: 'POST', body: messages, headers: { authorization: `Bearer ${ingestKey}` } })).status, 202);
  const stored = async (id: string) =>
    (await until(`stored ${id}`, () => api(`/api/messages/${id}`, { headers: adminSession }), (r) => r.status === 200)).body.message as StoredMessage;
  const signIn = async (p: Page, who: { email: string; password: string }) => {
    await p.goto(`${pulse.url}/`);
    await p.waitForURL(`${pulse.url}/login?next=%2F`);
    const form = p.getByTestId('login-form');
    await form.getByLabel('Email').fill(who.email);
    await form.getByLabel('Password').fill(who.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(`${pulse.url}/`);
    await p.goto(`${pulse.url}/?window=1h&source=e2e-labels`);
    await until('connection badge', () => text(p.getByTestId('connection')), (t) => t.startsWith('Live') && !t.includes('waiting'));
  };
  /** The agreement line as the overview should word it for what was labelled so far. */
  const agreementText = () => {
    const agreed = [...labelled.values()].filter((l) => l.human === l.model).length;
    const n = labelled.size;
    return `People agreed with the model on ${agreed} of ${n} labelled message${n === 1 ? '' : 's'} (${Math.round((100 * agreed) / n)} %).`;
  };
  const openDrillDown = async (p: Page, label: Label) => {
    await p.getByRole('button', { name: new RegExp(`^${title(label)}\\b.*list these messages`) }).click();
    return p.getByTestId('drilldown');
  };

  before(async () => {
    test = await startBrowserTest({
      name: 'labels', page: { acceptDownloads: true },
      env: { PULSE_ADMIN_EMAIL: admin.email, PULSE_ADMIN_PASSWORD: admin.password },
    });
    ({ pulse, page } = test);
    adminSession = await login(admin);
    for (const [who, role] of [[editor, 'editor'], [viewer, 'viewer']] as const) {
      assert.equal((await api('/api/users', { method: 'POST', body: { ...who, role }, headers: adminSession })).status, 201);
    }
    editorSession = await login(editor);
    ingestKey = (await api('/api/keys', { method: 'POST', body: { name: 'labels e2e', scopes: ['ingest'] }, headers: adminSession })).body.token as string;
    // The drill-down's messages: stored before the page opens, with event times in the last minutes.
    const now = Date.now();
    await ingest(
      ['What a wonderful, delightful day, I love it', 'Great service, thank you so much', 'Absolutely fantastic product, so happy',
        'Best purchase I have made this year', 'This is terrible, I hate it', 'Worst experience ever, awful support']
        .map((t, i) => ({ id: `lbl-${i}`, ts: now - 120_000 + i * 5_000, source: 'e2e-labels', text: t })),
    );
    for (let i = 0; i < 6; i++) await stored(`lbl-${i}`);
  });

  after(() => test?.close());

  it('labels a message from the live feed\'s detail', async () => {
    await signIn(page, editor);
    await until('agreement line', () => text(page.getByTestId('label-agreement')), (t) => t === 'Nobody has labelled a message of this view yet.');
    await ingest([{ id: 'lbl-live', source: 'e2e-labels', text: 'The new release is out today' }]);
    const entry = page.getByTestId('feed').locator('li').first();
    await until('feed entry', () => text(entry), (t) => t.includes('The new release is out today'));
    await entry.getByRole('button').click();
    const detail = page.getByTestId('message-detail');
    const model = (await stored('lbl-live')).label;
    const human = other(model);
    await detail.getByRole('group', { name: 'Mark the sentiment as' }).getByRole('button', { name: title(human) }).click();
    labelled.set('lbl-live', { human, model });
    await until('detail label', () => text(detail.getByTestId('human-label')), (t) => t === `person: ${human} · model: ${model}`);
    assert.equal(await detail.getByRole('button', { name: title(human) }).getAttribute('aria-pressed'), 'true');
    assert.equal((await stored('lbl-live')).humanLabel, human);
    await until('agreement line', () => text(page.getByTestId('label-agreement')), (t) => t === agreementText());
  });

  it('labels one row, then ticked rows at once, from the drill-down; the CSV carries human_label', async () => {
    const models = new Map<string, Label>();
    // The feed's message is in the drill-down too where the model gave it the same label.
    for (const id of ['lbl-0', 'lbl-1', 'lbl-2', 'lbl-3', 'lbl-4', 'lbl-5', 'lbl-live']) models.set(id, (await stored(id)).label);
    const counts = (l: Label) => [...models.values()].filter((m) => m === l).length;
    const biggest = (['negative', 'neutral', 'positive'] as const).reduce((a, b) => (counts(b) > counts(a) ? b : a));
    const ids = [...models.keys()].filter((id) => models.get(id) === biggest);
    assert.ok(ids.length >= 2, `the model gave ${biggest} to ${ids.join(', ')}`);
    const drill = await openDrillDown(page, biggest);
    const row = (id: string) => drill.locator(`tr[data-id="${id}"]`);
    await row(ids[0]!).waitFor();

    // One row: the model's label agreed with.
    await row(ids[0]!).getByRole('button', { name: `Mark as ${biggest}` }).click();
    labelled.set(ids[0]!, { human: biggest, model: biggest });
    await until('row label', () => text(row(ids[0]!).getByTestId('human-label')), (t) => t === `person: ${biggest} · model: ${biggest}`);

    // Every row ticked but the first, then labelled at once: as neutral (or negative, where the model said neutral).
    const bulk: Label = biggest === 'neutral' ? 'negative' : 'neutral';
    for (const id of ids.slice(1)) await row(id).getByRole('checkbox').check();
    await drill.getByTestId('bulk-label').getByRole('group', { name: 'Label selected as' }).getByRole('button', { name: new RegExp(title(bulk)) }).click();
    for (const id of ids.slice(1)) labelled.set(id, { human: bulk, model: biggest });
    for (const id of ids.slice(1)) {
      await until(`row ${id}`, () => text(row(id).getByTestId('human-label')), (t) => t === `person: ${bulk} · model: ${biggest}`);
      assert.equal(await row(id).getByRole('checkbox').isChecked(), false, 'the selection is cleared once labelled');
    }
    await until('agreement line', () => text(page.getByTestId('label-agreement')), (t) => t === agreementText());

    const [download] = await Promise.all([page.waitForEvent('download'), drill.getByRole('button', { name: /Export CSV/ }).click()]);
    const [header, ...rows] = parse(fs.readFileSync((await download.path())!, 'utf8')) as string[][];
    const at = (name: string) => header!.indexOf(name);
    assert.deepEqual(header!.slice(3, 5), ['label', 'human_label']);
    assert.deepEqual(
      Object.fromEntries(rows.map((r) => [r[at('id')], r[at('human_label')]])),
      Object.fromEntries(ids.map((id) => [id, labelled.get(id)?.human ?? ''])),
    );
    await screenshot(page, 'labels-editor.png');
    assert.deepEqual(test.pageErrors, [], 'no errors in the page');
  });

  it('shows a viewer people\'s labels without the buttons to change them', async () => {
    const seen = await test.newPage();
    await signIn(seen, viewer);
    await until('agreement line', () => text(seen.getByTestId('label-agreement')), (t) => t === agreementText());
    const [id, { human, model }] = [...labelled.entries()].find(([key]) => key !== 'lbl-live')!;
    const drill = await openDrillDown(seen, model);
    const row = drill.locator(`tr[data-id="${id}"]`);
    await until('viewer row label', () => text(row.getByTestId('human-label')), (t) => t === `person: ${human} · model: ${model}`);
    assert.equal(await drill.getByRole('checkbox').count(), 0, 'no selection');
    assert.equal(await drill.getByRole('group', { name: /Mark the sentiment as|Label selected as/ }).count(), 0, 'no label buttons');
    assert.equal(await drill.getByTestId('bulk-label').count(), 0);

    // The live feed's detail: the stored label shows, the buttons do not.
    await ingest([{ id: 'lbl-view', source: 'e2e-labels', text: 'Another release note for the viewer' }]);
    const entry = seen.getByTestId('feed').locator('li').first();
    await until('viewer feed entry', () => text(entry), (t) => t.includes('Another release note for the viewer'));
    const viewModel = (await stored('lbl-view')).label;
    assert.equal((await api('/api/messages/lbl-view/label', { method: 'POST', body: { label: other(viewModel) }, headers: editorSession })).status, 200);
    assert.equal((await api('/api/messages/lbl-view/label', { method: 'POST', body: { label: 'neutral' }, headers: await login(viewer) })).status, 403);
    await entry.getByRole('button').click();
    const detail = seen.getByTestId('message-detail');
    await until('viewer detail label', () => text(detail.getByTestId('human-label')), (t) => t === `person: ${other(viewModel)} · model: ${viewModel}`);
    assert.equal(await detail.getByRole('group', { name: 'Mark the sentiment as' }).count(), 0);
    await screenshot(seen, 'labels-viewer.png');
    assert.deepEqual(test.pageErrors, [], 'no errors in the page');
  });
});
