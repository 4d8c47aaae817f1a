/**
 * Open mode in a real browser (test/support/browser.ts), against a server with no admin: every
 * page says that authentication is off and links to the Users page, whose form warns that the
 * first admin turns sign-in on; creating it sends the person to the sign-in page and, signed
 * in, back to the Users page. (A file of its own: each test file runs in its own process, and a
 * second dashboard started in the process of test/e2e/access.test.ts answered 500 for its icon.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Pulse } from '../../server/pulse.ts';
import { screenshot, startBrowserTest, type BrowserTest } from '../support/browser.ts';

const admin = { email: 'first-admin@example.com', password: 'correct horse battery staple' };

describe('open mode in a real browser (no admin yet)', { timeout: 5 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;

  before(async () => {
    test = await startBrowserTest({ name: 'open' });
    ({ pulse, page } = test);
  });

  after(() => test?.close());

  it('serves pages with a nonce-based script policy, no inline scripts allowed, and no framing', async () => {
    const nonces = new Set<string>();
    for (const pathname of ['/', '/streams']) {
      const res = await fetch(`${pulse.url}${pathname}`);
      const policy = res.headers.get('content-security-policy') ?? '';
      const scripts = /script-src ([^;]+)/.exec(policy)?.[1] ?? '';
      assert.match(scripts, /'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      assert.doesNotMatch(scripts, /unsafe-inline|unsafe-eval/);
      assert.match(policy, /frame-ancestors 'none'/);
      assert.equal(res.headers.get('referrer-policy'), 'same-origin');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      const nonce = /'nonce-([^']+)'/.exec(scripts)![1]!;
      nonces.add(nonce);
      // Every script Next wrote into the page carries this response's nonce.
      const html = await res.text();
      const tags = html.match(/<script\b[^>]*>/g) ?? [];
      assert.ok(tags.length > 0);
      for (const tag of tags) assert.ok(tag.includes(`nonce="${nonce}"`), tag);
    }
    assert.equal(nonces.size, 2, 'a fresh nonce per response');
  });

  it('says on every page that anyone can do anything, and links to the Users page', async () => {
    for (const pathname of ['/', '/streams', '/alerts', '/admin/keys']) {
      await page.goto(`${pulse.url}${pathname}`);
      const banner = page.getByTestId('open-mode-banner');
      await banner.waitFor();
      assert.match((await banner.textContent()) ?? '', /Authentication is off.*Anyone who can reach this server can read and change everything/);
    }
    // Everything is open, the admin pages included.
    for (const name of ['Keys', 'Users', 'Audit']) await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name }).waitFor();
    await page.getByTestId('open-mode-banner').getByRole('link', { name: /first admin/ }).click();
    await page.waitForURL(/\/admin\/users$/);
  });

  it('warns that the first admin turns sign-in on, then sends the person to sign in', async () => {
    const form = page.getByTestId('new-user');
    assert.ok(await form.getByRole('radio', { name: /^admin/ }).isChecked(), 'with no admin yet, the form picks the admin role');
    const warning = form.getByTestId('first-admin-warning');
    assert.match((await warning.textContent()) ?? '', /This turns authentication on.*You will be taken to the sign-in page/);
    await screenshot(page, 'first-admin.png');
    await form.getByLabel('Email').fill(admin.email);
    await form.getByLabel('Password').fill(admin.password);
    await form.getByRole('button', { name: 'Create the admin and turn sign-in on' }).click();

    await page.waitForURL(/\/login\?next=%2Fadmin%2Fusers&first=1$/);
    await page.getByText('Authentication is on now.').waitFor();
    assert.equal(await page.getByTestId('open-mode-banner').count(), 0);
    assert.equal((await fetch(`${pulse.url}/api/streams`)).status, 401, 'the API wants credentials now');

    const login = page.getByTestId('login-form');
    await login.getByLabel('Email').fill(admin.email);
    await login.getByLabel('Password').fill(admin.password);
    await login.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${pulse.url}/admin/users`);
    await page.locator(`tr[data-user-email="${admin.email}"]`).getByText('(you)').waitFor();
    assert.deepEqual(test.pageErrors, [], 'no errors in the pages');
  });
});
