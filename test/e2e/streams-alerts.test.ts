/**
 * The streams and alerts pages in a real browser, set up as test/e2e/dashboard.test.ts is
 * (test/support/browser.ts: Debian's chromium driven by playwright-core, an embedded server with
 * demo off, a fresh data dir, the production UI build). Known messages go in through /api/ingest first; the streams
 * form must mark a bad query where it is wrong, preview how many of those messages a good one
 * matches, and save it. Alerts written straight into the store must be listed on /alerts and
 * be acknowledged from there and from the overview's banner, where a storm shows its peak and
 * stays, marked, once acknowledged. A webhook channel pointing at a local receiver is saved
 * with the reason it reaches inside the network beside its URL field (this server allows that:
 * PULSE_ALLOW_PRIVATE_WEBHOOKS=1, as the receiver is local; without it the save is refused with
 * the same reason: test/integration/alert-channels-api.test.ts, and in the browser
 * test/e2e/webhook-refusal.test.ts), and "Send test" reaches it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Alert } from '../../lib/alerts/alert.ts';
import { alertId, type AlertKind } from '../../lib/anomaly/stream-detector.ts';
import { AllStreamsId } from '../../lib/contracts/api.ts';
import type { WebhookPayload } from '../../lib/alerts/channels/index.ts';
import type { PublicStream } from '../../lib/streams/stream.ts';
import type { Pulse } from '../../server/pulse.ts';
import { alertFixture } from '../support/alert-fixture.ts';
import { screenshot as screenshotOf, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';
import { Receiver } from '../support/http-receiver.ts';

/** 12 messages of the last minute, 7 of them about "zorblax" (a word no dataset has). */
function knownMessages(now: number): Array<{ id: string; ts: number; source: string; text: string }> {
  const about = ['zorblax is down again, refund please', 'Love the new zorblax update!', 'zorblax support never answers', 'Is zorblax open on Sunday?'];
  const other = ['The meeting is moved to 3pm on Tuesday', 'What a fantastic concert, totally amazing night', 'Awful delay again, this airline is a disaster'];
  return Array.from({ length: 12 }, (_, i) => ({
    id: `sa-${String(i).padStart(2, '0')}`,
    ts: now - 60_000 + i * 1000,
    source: 'e2e',
    text: i < 7 ? `${about[i % about.length]} (${i})` : `${other[i % other.length]} (${i})`,
  }));
}
const matching = 7;

describe('streams and alerts pages in a real browser (embedded runtime)', { timeout: 5 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;
  let receiver: Receiver;

  before(async () => {
    receiver = await Receiver.start();
    test = await startBrowserTest({
      name: 'streams',
      env: { PULSE_ALLOW_PRIVATE_WEBHOOKS: '1' },
      // The preview of a bad query answers 400 by design, which Chromium logs as a failed load.
      expectedError: (msg) => msg.location().url.endsWith('/api/streams/preview') && msg.text().includes('status of 400'),
    });
    ({ pulse, page } = test);
  });

  after(async () => {
    await test?.close();
    await receiver?.close();
  });

  const api = async <T>(pathname: string, init?: RequestInit): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${pulse.url}${pathname}`, { ...init, headers: { 'content-type': 'application/json', ...init?.headers } });
    return { status: res.status, body: (await res.json()) as T };
  };
  const screenshot = (name: string) => screenshotOf(page, name);
  /** An open alert of `stream`, opened `agoMs` ago, with the detector's id form (it holds ':' and may start with '*'). */
  function openAlert(stream: string, kind: AlertKind, agoMs: number, reason: string): Alert {
    const openedAt = Date.now() - agoMs;
    // Sentiment alerts here are falls; volume alerts are spikes (volume up is `positive`).
    const direction = kind === 'sentiment' ? 'negative' : 'positive';
    return alertFixture({
      id: alertId(stream, kind, direction, openedAt),
      stream,
      kind,
      direction,
      openedAt: new Date(openedAt).toISOString(),
      updatedAt: new Date(openedAt + 1000).toISOString(),
      window: { from: new Date(openedAt - 30_000).toISOString(), to: new Date(openedAt).toISOString() },
      reason,
    });
  }

  it('stores the known messages', async () => {
    const sent = knownMessages(Date.now());
    const res = await api<{ accepted: number }>('/api/ingest', { method: 'POST', body: JSON.stringify(sent) });
    assert.equal(res.status, 202);
    await until('stored messages', async () => (await api<{ messages: unknown[] }>('/api/messages?limit=100')).body.messages.length, (n) => n === sent.length);
  });

  it('marks a bad query inline, previews a good one and saves the stream', async () => {
    await page.goto(`${pulse.url}/streams`);
    await page.getByText('No streams yet').waitFor();
    await page.getByRole('button', { name: '+ New stream' }).click();
    const editor = page.getByTestId('stream-editor');
    await editor.getByLabel('Name', { exact: true }).fill('Zorblax launch');

    const bad = 'zorblax AND (outage OR down';
    const expected = await api<{ error: { code: string; position: number; detail: string } }>('/api/streams/preview', {
      method: 'POST',
      body: JSON.stringify({ query: bad }),
    });
    assert.equal(expected.body.error.code, 'STREAM_QUERY_INVALID');
    await editor.getByLabel('Query', { exact: true }).fill(bad);
    const error = editor.getByTestId('query-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-position'), String(expected.body.error.position));
    const said = (await error.textContent()) ?? '';
    assert.ok(said.includes(expected.body.error.detail), said);
    assert.ok(said.includes(`line 1, column ${expected.body.error.position + 1}`), said);
    assert.equal(await editor.getByLabel('Query', { exact: true }).getAttribute('aria-invalid'), 'true');

    await editor.getByLabel('Query', { exact: true }).fill('zorblax');
    await error.waitFor({ state: 'detached' });
    const matched = page.getByTestId('preview-matched');
    await until('previewed matches', async () => (await matched.isVisible()) && (await matched.textContent()), (t) => t === String(matching));
    assert.equal(await page.getByTestId('preview-sample').locator('li').count(), matching);
    await screenshot('streams-form.png');

    await editor.getByRole('button', { name: 'Create stream' }).click();
    const row = page.getByTestId('streams').locator('tr[data-stream-id="zorblax-launch"]');
    await row.waitFor();
    assert.ok(((await row.textContent()) ?? '').includes('Zorblax launch'));
    const { body } = await api<{ streams: PublicStream[] }>('/api/streams');
    assert.deepEqual(body.streams.map((s) => [s.id, s.name, s.query, s.version]), [['zorblax-launch', 'Zorblax launch', 'zorblax', 1]]);
    // The editor reopened on the saved stream, ready for its next version.
    await editor.getByRole('button', { name: 'Save as version 2' }).waitFor();
  });

  it('lists an alert with its reason and acknowledges it', async () => {
    const alert = openAlert('zorblax-launch', 'sentiment', 60_000, "Sentiment of 'Zorblax launch' fell from +0.21 to −0.12 (z −4.3) over 30 s, 412 messages");
    await pulse.store.alerts.insert(alert);

    await page.goto(`${pulse.url}/alerts?stream=zorblax-launch`);
    const row = page.locator(`tbody[data-alert-id="${alert.id}"]`);
    await row.waitFor();
    assert.equal(await row.getByTestId('alert-reason').textContent(), alert.reason);
    const summary = (await row.locator('tr').first().textContent()) ?? '';
    for (const text of ['Critical', 'Open', 'Zorblax launch', '−4.3']) assert.ok(summary.includes(text), `${text} in ${summary}`);

    await row.getByRole('button', { name: 'Details' }).click();
    const details = row.getByTestId('alert-details');
    await details.getByText('No delivery attempts are recorded for this alert.').waitFor();
    assert.equal(await details.getByRole('region', { name: 'Example messages' }).locator('li').count(), 5);
    await screenshot('alerts.png');

    await row.getByRole('button', { name: /^Acknowledge/ }).click();
    await until(
      'stored status',
      async () => (await api<{ alert: Alert }>(`/api/alerts/${encodeURIComponent(alert.id)}`)).body.alert.status,
      (s) => s === 'acknowledged',
    );
    await row.locator('[data-status="acknowledged"]').waitFor();
  });

  it('shows a storm on the overview banner with its peak, and keeps it there, marked, once acknowledged', async () => {
    const storm = openAlert(AllStreamsId, 'surge', 30_000, 'Negative messages of all messages surged to 31.8 msgs/s from 1.2 (z +30.7) over 10 s');
    const peakAt = new Date(Date.now() - 20_000).toISOString();
    await pulse.store.alerts.insert({
      ...storm, label: 'negative', direction: 'negative', z: 4.1, current: 6.2,
      opening: { at: storm.openedAt, z: 9.5, current: 12.4, volume: 124 },
      peak: { at: peakAt, z: 30.7, current: 31.8, volume: 318 },
    });

    await page.goto(`${pulse.url}/?window=5m`);
    const banner = page.getByTestId('alert-banner');
    const item = banner.locator(`li[data-alert-id="${storm.id}"]`);
    await item.getByText(storm.reason).waitFor();
    assert.ok(((await item.textContent()) ?? '').includes('Negative surge'));
    const peak = (await item.getByTestId('alert-peak').textContent()) ?? '';
    assert.match(peak, /^Peak: z \+30\.7, 31\.8 msgs\/s, 318 messages at /);
    await screenshot('dashboard-banner.png');
    await item.getByRole('button', { name: /^Acknowledge/ }).click();
    await item.getByTestId('alert-acknowledged').waitFor();
    assert.equal(await item.getByTestId('alert-acknowledged').textContent(), '✓ acknowledged by someone');
    assert.equal(await item.getByRole('button', { name: /^Acknowledge/ }).count(), 0);
    assert.ok(await item.getByTestId('alert-peak').isVisible(), 'still on the banner with its peak');
    const stored = await api<{ alert: Alert }>(`/api/alerts/${encodeURIComponent(storm.id)}`);
    assert.equal(stored.body.alert.status, 'acknowledged');
    assert.equal(stored.body.alert.acknowledgedByName, 'someone');
    await screenshot('dashboard-banner-acknowledged.png');
  });

  it('says at save time that a webhook URL reaches inside the network, and sends it a test', async () => {
    await page.goto(`${pulse.url}/streams?edit=zorblax-launch`);
    const editor = page.getByTestId('stream-editor');
    await editor.getByRole('button', { name: '+ Webhook' }).click();
    const channel = editor.getByTestId('channel').first();
    await channel.getByLabel('URL', { exact: true }).fill(receiver.url('/e2e-hook'));
    await channel.getByLabel('Secret', { exact: true }).fill('an e2e webhook secret of 32 chars');
    await channel.getByLabel('every update (noisy)').check();
    await editor.getByRole('button', { name: /^Save as version/ }).click();

    const warning = channel.getByTestId('channel-url-warning');
    await warning.waitFor();
    assert.match((await warning.textContent()) ?? '', /webhook host 127\.0\.0\.1 is a private, loopback, link-local or reserved address/);
    const { body } = await api<{ stream: PublicStream }>('/api/streams/zorblax-launch');
    assert.deepEqual(body.stream.channels.find((c) => c.kind === 'webhook')?.events, ['opened', 'escalated', 'acknowledged', 'resolved', 'updated']);

    await channel.getByRole('button', { name: 'Send test' }).click();
    const result = channel.getByTestId('channel-test-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-status'), 'ok');
    assert.equal(await result.textContent(), '✓ Delivered (HTTP 200)');
    const received = receiver.requests.filter((r) => r.path === '/e2e-hook').map((r) => JSON.parse(r.body) as WebhookPayload);
    assert.equal(received.length, 1);
    assert.equal(received[0]!.test, true);
    assert.equal(received[0]!.alert.stream, 'zorblax-launch');
    assert.ok(received[0]!.link.endsWith(`/alerts?alert=${encodeURIComponent(received[0]!.alert.id)}`), received[0]!.link);
    await screenshot('streams-channel-test.png');
    assert.deepEqual(test.pageErrors, [], 'no errors in the pages');
  });
});
