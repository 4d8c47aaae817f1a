/**
 * The stream form in a real browser against a server that does NOT allow private webhooks (the
 * default): a webhook URL on loopback is refused when the stream is saved, with the server's
 * reason beside that channel's URL field, and nothing is stored; the same form with a public
 * URL then saves. test/e2e/streams-alerts.test.ts cannot show this: its server allows private
 * webhooks so that "Send test" reaches its local receiver, and chdb allows one data dir per
 * process, so this server runs as a child process (harness/crash/pulse-process.ts), open mode
 * (nobody configured, loopback), demo off, a fresh data dir, the production UI build.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { freePort, PulseProcess } from '../../harness/crash/pulse-process.ts';
import type { PublicStream } from '../../lib/streams/stream.ts';
import { ensureFreshUi, launchBrowser, screenshot, type BrowserPages } from '../support/browser.ts';

/** Loopback, on the discard port: refused by its address alone, no lookup and nothing listening needed. */
const loopbackUrl = 'http://127.0.0.1:9/hook';
/**
 * Public-looking, under the reserved `.invalid` domain, so it never resolves: the save-time check
 * lets a failed lookup through (lib/streams/channel-targets.ts; whether the host answers is
 * "Send test"'s to tell), and no webhook ever leaves this machine.
 */
const publicUrl = 'https://hooks.example.invalid/pulse-alerts';
/** url-guard.ts's words for an IP literal inside the network. */
const refusal = 'webhook host 127.0.0.1 is a private, loopback, link-local or reserved address (set PULSE_ALLOW_PRIVATE_WEBHOOKS=1 to allow)';

describe('a private webhook URL is refused when the stream is saved (server in a child process)', { timeout: 3 * 60_000 }, () => {
  let dataDir: string;
  let pulse: PulseProcess | undefined;
  let pages: BrowserPages | undefined;
  let page: Page;

  before(async () => {
    await ensureFreshUi();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-e2e-webhook-refusal-'));
    pulse = await PulseProcess.start({
      dataDir,
      port: await freePort(),
      // Set, not merely left out: the harness passes this process's environment on.
      env: { PULSE_UI: '1', PULSE_ALLOW_PRIVATE_WEBHOOKS: '0' },
    });
    pages = await launchBrowser({
      // The refused save answers 400 by design, which Chromium logs as a failed load.
      expectedError: (msg) => msg.location().url.endsWith('/api/streams') && msg.text().includes('status of 400'),
    });
    page = pages.page;
  });

  after(async () => {
    await pages?.browser.close();
    const exit = await pulse?.kill('SIGTERM');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    assert.ok(!exit?.forced, `the server stopped on SIGTERM; stderr: ${pulse?.stderrTail}`);
  });

  const storedStreams = async (): Promise<PublicStream[]> => {
    const res = await fetch(`${pulse!.url}/api/streams`);
    assert.equal(res.status, 200);
    return ((await res.json()) as { streams: PublicStream[] }).streams;
  };

  it('refuses a loopback webhook with the reason beside its URL, stores nothing, then saves a public one', async () => {
    await page.goto(`${pulse!.url}/streams`);
    await page.getByText('No streams yet').waitFor();
    await page.getByRole('button', { name: '+ New stream' }).click();
    const editor = page.getByTestId('stream-editor');
    await editor.getByLabel('Name', { exact: true }).fill('Refusal check');
    await editor.getByLabel('Query', { exact: true }).fill('zorblax');
    await editor.getByRole('button', { name: '+ Webhook' }).click();
    const channel = editor.getByTestId('channel').first();
    const url = channel.getByLabel('URL', { exact: true });
    await url.fill(loopbackUrl);
    await channel.getByLabel('Secret', { exact: true }).fill('an e2e webhook secret of 32 chars');
    await editor.getByRole('button', { name: 'Create stream' }).click();

    // In the channel's own box, with its URL field, which keeps what was typed for the fix.
    const refused = channel.getByTestId('channel-url-error');
    await refused.waitFor();
    assert.equal(await refused.textContent(), `Not saved: ${refusal}`);
    assert.equal(await url.inputValue(), loopbackUrl);
    assert.equal(await channel.getByTestId('channel-url-warning').count(), 0, 'refused, not saved with a warning');
    assert.deepEqual(await storedStreams(), [], 'nothing stored');
    await screenshot(page, 'streams-webhook-refused.png');

    await url.fill(publicUrl);
    await editor.getByRole('button', { name: 'Create stream' }).click();
    await page.getByTestId('streams').locator('tr[data-stream-id="refusal-check"]').waitFor();
    // The editor reopened on the saved stream, its channel stored, with no refusal or warning left.
    await editor.getByRole('button', { name: 'Save as version 2' }).waitFor();
    assert.equal(await editor.getByTestId('channel-url-error').count(), 0);
    assert.equal(await editor.getByTestId('channel-url-warning').count(), 0);
    const streams = await storedStreams();
    assert.deepEqual(
      streams.map((s) => [s.id, s.version, s.channels.filter((c) => c.kind !== 'dashboard').map((c) => [c.kind, c.target])]),
      [['refusal-check', 1, [['webhook', 'https://hooks.example.invalid/…']]]],
    );
    await screenshot(page, 'streams-webhook-saved.png');
    assert.deepEqual(pages!.pageErrors, [], 'no errors in the pages');
  });
});
