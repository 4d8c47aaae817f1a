/**
 * A training job from the Models page in a real browser (test/support/browser.ts, open mode):
 * finance messages go in through the real ingest and people label them through the API; on the
 * page a job is started on those labels and two uploaded sets (a few finance rows, and the ironic
 * tweets of the irony train split labelled negative: what the model does not know, so that a
 * challenger comes out), its progress bar moves with the
 * epoch's dev figures, it succeeds, the new model is listed and its comparison with the champion
 * (held-back labels and the dev sets, per class) appears. A second job is cancelled from the page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../lib/config.ts';
import type { Label } from '../../lib/contracts/messages.ts';
import type { ModelsResponse, TrainingJobList } from '../../lib/contracts/training-jobs.ts';
import { readIrony } from '../../lib/datasets.ts';
import type { Pulse } from '../../server/pulse.ts';
import { screenshot, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';

const finance: Array<[string, Label]> = [
  ['Operating profit rose to EUR 13.1 mn from EUR 8.7 mn', 'positive'],
  ['Net sales decreased by 5 % compared with the previous year', 'negative'],
  ['The company is headquartered in Helsinki', 'neutral'],
  ['The order is worth about EUR 2 mn', 'neutral'],
];

describe('training jobs on the Models page', { timeout: 5 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;

  before(async () => {
    test = await startBrowserTest({ name: 'training' });
    ({ pulse, page } = test);
  });

  after(() => test?.close());

  const api = async (pathname: string, method = 'GET', body?: unknown, contentType = 'application/json') => {
    const res = await fetch(`${pulse.url}${pathname}`, { method, headers: { 'content-type': contentType }, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const jobs = async () => ((await api('/api/models/jobs')).body as TrainingJobList).jobs;

  it('labels finance messages that came in through ingest, and uploads a set', async () => {
    const now = Date.now();
    const messages = Array.from({ length: 40 }, (_, i) => ({ id: `fin-${i}`, ts: now - 120_000 + i * 2000, source: 'e2e-finance', text: `${finance[i % finance.length]![0]} (${i})` }));
    assert.equal((await api('/api/ingest', 'POST', messages)).status, 202);
    for (const label of ['negative', 'neutral', 'positive'] as const) {
      const ids = messages.filter((_, i) => finance[i % finance.length]![1] === label).map((m) => m.id);
      await until(`labelled ${label}`, () => api('/api/messages/labels', 'POST', { ids, label }), (r) => r.status === 200 && r.body.unknown.length === 0);
    }
    const csv = ['text,label', 'Revenue grew strongly,positive', 'The loss widened,negative', 'The meeting is on Tuesday,neutral'].join('\n');
    assert.equal((await api('/api/training-sets?name=Finance&domain=finance&format=csv', 'POST', csv, 'text/csv')).status, 201);
    // A set that teaches the model something it does not know (it reads irony as irony's words), so
    // the job has a challenger to show: a handful of finance rows beside 3,000 base rows do not
    // beat the base weights, and a job that keeps them fails with that reason.
    const ironic = readIrony(loadConfig().datasetsDir, 'train').filter((r) => r.ironic).map((r) => JSON.stringify({ text: r.text, label: 'negative' }));
    assert.equal((await api('/api/training-sets?name=Irony&domain=irony&format=jsonl', 'POST', ironic.join('\n'), 'application/x-ndjson')).status, 201);
    // The API refuses what it cannot run before any job starts.
    assert.equal((await api('/api/models/train', 'POST', { sets: [], epochs: 0 })).body.error.code, 'BODY_INVALID');
    assert.equal((await api('/api/models/train', 'POST', { sets: ['no-such-set'] })).status, 404);
    assert.deepEqual(await jobs(), []);
  });

  it('starts a job, shows its progress, and shows the comparison once it succeeds', async () => {
    await page.goto(`${pulse.url}/models`);
    const panel = page.getByTestId('training-jobs');
    await panel.getByLabel(/Finance/).check();
    await panel.getByLabel(/Irony/).check();
    await panel.getByLabel('Epochs').fill('1');
    await panel.getByRole('button', { name: 'Start training' }).click();
    // The bar appears while it runs (queued → running), polled every 1.5 s.
    await page.getByTestId('training-progress').waitFor({ timeout: 30_000 });
    await screenshot(page, 'training-progress.png');
    await until('the job succeeded', jobs, (list) => list[0]?.state === 'succeeded' || list[0]?.state === 'failed', 120_000);
    const [job] = await jobs();
    assert.equal(job!.state, 'succeeded', job!.reason ?? '');
    await page.getByTestId('training-progress').waitFor({ state: 'detached' });
    assert.equal(await panel.getByTestId('training-job-state').first().textContent(), 'Succeeded');

    const registry = (await api('/api/models')).body as ModelsResponse;
    assert.equal(registry.champion.source, 'shipped');
    assert.deepEqual(registry.models.map((m) => m.source).sort(), ['shipped', 'trained']);
    const list = page.getByTestId('model-list');
    await list.getByText(job!.modelVersion!).waitFor();
    const comparison = page.getByTestId('model-comparison');
    await comparison.waitFor();
    const text = (await comparison.textContent()) ?? '';
    const trained = registry.models.find((m) => m.source === 'trained')!;
    for (const set of ['held-back labels', 'tweeteval-val', 'sst2-dev', 'airline-dev']) assert.ok(text.includes(set), `${set} in ${text.slice(0, 300)} (${JSON.stringify(trained.data)})`);
    assert.equal(await comparison.getByTestId('comparison-challenger').count(), 4);
    assert.equal(await comparison.getByTestId('comparison-champion').count(), 4);
    await screenshot(page, 'training-comparison.png');
  });

  it('cancels a job from the page', async () => {
    const panel = page.getByTestId('training-jobs');
    await panel.getByLabel('Epochs').fill('10');
    await panel.getByRole('button', { name: 'Start training' }).click();
    await page.getByTestId('training-progress').waitFor();
    assert.equal((await api('/api/models/train', 'POST', {})).status, 409, 'one job at a time');
    await page.getByTestId('training-progress').getByRole('button', { name: 'Cancel' }).click();
    await until('the job cancelled', jobs, (list) => list[0]?.state === 'cancelled', 30_000);
    await page.getByTestId('training-progress').waitFor({ state: 'detached' });
    assert.equal(await panel.getByTestId('training-job-state').first().textContent(), 'Cancelled');
  });
});
