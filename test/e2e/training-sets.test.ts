/**
 * The Models page in a real browser (test/support/browser.ts): the model in service is
 * described; a CSV with a bad row is uploaded through the form, the refused row shows with its
 * line and reason, the set is listed with its counts, and Delete removes it (from the server too).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { CurrentModel } from '../../lib/contracts/models.ts';
import type { TrainingSetList } from '../../lib/contracts/training-sets.ts';
import type { Pulse } from '../../server/pulse.ts';
import { screenshot, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';

const csv = ['text,label', '"Rates held, as expected",neutral', 'Profits beat every forecast,positive', 'Shares slid after the call,maybe', 'Layoffs announced,negative'].join('\n');

describe('training sets on the Models page', { timeout: 5 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;

  before(async () => {
    test = await startBrowserTest({ name: 'training-sets' });
    ({ pulse, page } = test);
  });

  after(() => test?.close());

  const sets = async () => ((await (await fetch(`${pulse.url}/api/training-sets`)).json()) as TrainingSetList).sets;

  it('shows the model in service, reached from the navigation', async () => {
    await page.goto(`${pulse.url}/`);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Models' }).click();
    await page.waitForURL(/\/models$/);
    const model = (await (await fetch(`${pulse.url}/api/models/current`)).json()) as CurrentModel;
    const panel = page.getByTestId('current-model');
    await panel.getByText(model.version).waitFor();
    assert.match((await panel.textContent()) ?? '', /negative, neutral, positive/);
    assert.match((await panel.textContent()) ?? '', /shipped with Pulse/);
    // Training on the sets is offered beside them (test/e2e/training.test.ts runs a job).
    await page.getByRole('button', { name: 'Start training' }).waitFor();
  });

  it('uploads a CSV, lists its refused row with the reason, and lists the set', async () => {
    const form = page.getByTestId('upload-set');
    await form.getByLabel('Name').fill('Earnings calls');
    await form.getByLabel('Domain').fill('finance');
    await form.getByLabel('File').setInputFiles({ name: 'earnings.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await form.getByRole('button', { name: 'Upload' }).click();

    const result = page.getByTestId('upload-result');
    await result.waitFor();
    assert.match((await result.textContent()) ?? '', /Earnings calls stored: 3 rows kept, 1 refused/);
    const refused = page.getByTestId('refused-rows').locator('tbody tr');
    assert.equal(await refused.count(), 1);
    assert.deepEqual(await refused.locator('td').allTextContents(), ['4', 'unknown label "maybe": use negative, neutral or positive']);

    const [stored] = await sets();
    assert.equal(stored!.name, 'Earnings calls');
    const row = page.locator(`tr[data-set-id="${stored!.id}"]`);
    await row.waitFor();
    assert.deepEqual((await row.locator('td').allTextContents()).slice(0, 4), ['finance', '3', '1', 'unauthenticated (open mode)']);
    await screenshot(page, 'training-sets.png');
  });

  it('deletes the set', async () => {
    const [stored] = await sets();
    const row = page.locator(`tr[data-set-id="${stored!.id}"]`);
    await row.getByRole('button', { name: /Delete/ }).click();
    await row.getByRole('button', { name: 'Delete the set' }).click();
    await row.waitFor({ state: 'detached' });
    await page.getByText('No training sets yet').waitFor();
    await until('the set gone from the server', sets, (list) => list.length === 0);
  });
});
