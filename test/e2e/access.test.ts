/**
 * Access control in a real browser (test/support/browser.ts), against a server whose first
 * admin comes from PULSE_ADMIN_EMAIL / PULSE_ADMIN_PASSWORD, so authentication is enforced from
 * the start. A visit signed out goes to the sign-in page and back after signing in; a wrong
 * password and too many attempts are told apart. The admin makes API keys (the token is shown
 * once and works with its scopes only, and stops working when revoked) and users (the last admin
 * cannot be demoted). A viewer then sees streams and alerts without their edit controls and is
 * refused the admin pages; an editor edits a stream but not where its alerts are sent; and the
 * audit log lists the keys made and the editor's change.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { alertId } from '../../lib/anomaly/stream-detector.ts';
import type { Pulse } from '../../server/pulse.ts';
import { alertFixture } from '../support/alert-fixture.ts';
import { screenshot, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';

const admin = { email: 'admin@example.com', password: 'correct horse battery staple' };
const viewer = { email: 'viewer@example.com', password: 'viewer password 123' };
const editor = { email: 'editor@example.com', password: 'editor password 123' };
const tokenPattern = /^pulse_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/;
const streamId = 'acme-launch';

describe('access control in a real browser (authentication enforced)', { timeout: 5 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;
  /** The first key made on the Keys page (scope read): its token, as the page showed it once. */
  let readerToken: string;

  before(async () => {
    test = await startBrowserTest({
      name: 'access',
      env: { PULSE_ADMIN_EMAIL: admin.email, PULSE_ADMIN_PASSWORD: admin.password, PULSE_AUTH_POLL_MS: '300' },
      // Refused on purpose, each logged by Chromium as a failed load: a wrong password (401), too
      // many attempts (429), demoting the last admin (409).
      expectedError: (msg) =>
        (msg.location().url.endsWith('/api/auth/login') && /status of (401|429)/.test(msg.text())) ||
        (msg.location().url.includes('/api/users/') && msg.text().includes('status of 409')),
    });
    ({ pulse, page } = test);
  });

  after(() => test?.close());

  /** A call as a key (`Bearer`), as a session (cookie and CSRF token), or as nobody. */
  const api = async (pathname: string, init: { method?: string; body?: unknown; token?: string; session?: Record<string, string> } = {}) => {
    const res = await fetch(`${pulse.url}${pathname}`, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.session },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, any> | null }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  /** A session outside the browser: what a script signed in as a person sends. */
  const session = async (who: { email: string; password: string }) => {
    const res = await fetch(`${pulse.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
    assert.equal(res.status, 200);
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, 'x-csrf-token': csrfToken };
  };
  const signIn = async (who: { email: string; password: string }) => {
    const form = page.getByTestId('login-form');
    await form.getByLabel('Email').fill(who.email);
    await form.getByLabel('Password').fill(who.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
  };
  const nav = () => page.getByRole('navigation', { name: 'Pages' });
  const signOut = async () => {
    await nav().getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${pulse.url}/login`);
    await page.getByTestId('login-form').waitFor();
  };

  it('sends a signed-out visit to the sign-in page, with no page links', async () => {
    await page.goto(`${pulse.url}/`);
    await page.waitForURL(`${pulse.url}/login?next=%2F`);
    await page.getByTestId('login-form').waitFor();
    assert.equal(await nav().getByRole('link').count(), 0, 'no page links before signing in');
    // The password manager's names: the saved login fills these in.
    assert.equal(await page.getByLabel('Email').getAttribute('autocomplete'), 'username');
    assert.equal(await page.getByLabel('Password').getAttribute('autocomplete'), 'current-password');
  });

  it('says so when the password is wrong', async () => {
    await signIn({ email: admin.email, password: 'not the password' });
    const error = page.getByTestId('login-error');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /Wrong email or password/);
    assert.equal(await page.getByLabel('Password').inputValue(), '', 'the wrong password is cleared');
    assert.match(page.url(), /\/login\?next=%2F$/);
    await screenshot(page, 'login.png');
  });

  it('signs the admin in and goes back to the page asked for', async () => {
    await signIn(admin);
    await page.waitForURL(`${pulse.url}/`);
    const who = page.getByTestId('signed-in');
    await who.waitFor();
    const said = (await who.textContent()) ?? '';
    assert.ok(said.includes(admin.email) && said.includes('admin'), said);
    for (const name of ['Keys', 'Users', 'Audit']) await nav().getByRole('link', { name }).waitFor();
    assert.equal(await page.getByTestId('open-mode-banner').count(), 0, 'no open-mode banner: authentication is on');
  });

  it('makes an API key whose token is shown once and works with its scope', async () => {
    // Through the navigation, without a reload: the change must carry the CSRF token of the login just made.
    await nav().getByRole('link', { name: 'Keys' }).click();
    await page.waitForURL(`${pulse.url}/admin/keys`);
    const form = page.getByTestId('new-key');
    await form.getByLabel('Name').fill('e2e reader');
    await form.getByRole('checkbox', { name: /^ingest/ }).uncheck();
    await form.getByRole('checkbox', { name: /^read/ }).check();
    await form.getByRole('button', { name: 'Create key' }).click();

    const shown = page.getByTestId('new-token');
    await shown.waitFor();
    assert.match((await shown.textContent()) ?? '', /shown this once/);
    readerToken = await shown.getByTestId('token-value').inputValue();
    assert.match(readerToken, tokenPattern);
    await screenshot(page, 'keys-token.png');

    assert.equal((await api('/api/streams', { token: readerToken })).status, 200, 'the read key reads');
    assert.equal((await api('/api/ingest', { method: 'POST', token: readerToken, body: [{ source: 'e2e', text: 'hello' }] })).status, 403, 'but does not ingest');

    // Hidden, it is gone for good: not in the page, not in the list the API gives, not after a reload.
    await page.getByRole('button', { name: /I have stored it/ }).click();
    await shown.waitFor({ state: 'detached' });
    const secret = readerToken.replace(/^pulse_[A-Za-z0-9]{12}_/, '');
    assert.ok(!(await page.content()).includes(secret), 'the page no longer holds the token');
    const listed = await page.evaluate(() => fetch('/api/keys').then((r) => r.text()));
    assert.ok(listed.includes('e2e reader') && !listed.includes(secret), 'the key list never carries the token');
    await page.reload();
    const row = page.getByTestId('keys').locator('tr', { hasText: 'e2e reader' });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    assert.ok(text.includes('read') && text.includes(admin.email) && text.includes('Active') && !text.includes(secret), text);
    assert.equal(await page.getByTestId('new-token').count(), 0);
  });

  it('makes an ingest key that is refused on read routes, and revokes it', async () => {
    const form = page.getByTestId('new-key');
    await form.getByLabel('Name').fill('e2e source');
    await form.getByRole('button', { name: 'Create key' }).click();
    const token = await page.getByTestId('new-token').getByTestId('token-value').inputValue();
    assert.match(token, tokenPattern);
    for (const pathname of ['/api/streams', '/api/alerts', '/api/messages']) {
      const res = await api(pathname, { token });
      assert.equal(res.status, 403, pathname);
      assert.equal(res.body?.error?.code, 'FORBIDDEN');
    }
    assert.equal((await api('/api/ingest', { method: 'POST', token, body: [{ source: 'e2e', text: 'hello from a source' }] })).status, 202, 'the ingest key ingests');

    await page.getByRole('button', { name: /I have stored it/ }).click();
    const row = page.getByTestId('keys').locator('tr', { hasText: 'e2e source' });
    await row.getByRole('button', { name: /^Revoke…/ }).click();
    await row.getByRole('alertdialog').getByRole('button', { name: 'Revoke the key' }).click();
    await row.getByTestId('key-status').getByText('Revoked').waitFor();
    await until('the revoked key refused', async () => (await api('/api/ingest', { method: 'POST', token, body: [{ source: 'e2e', text: 'x' }] })).status, (s) => s === 401);
  });

  it('makes a viewer and an editor, and refuses to demote the last admin', async () => {
    await nav().getByRole('link', { name: 'Users' }).click();
    await page.waitForURL(`${pulse.url}/admin/users`);
    const form = page.getByTestId('new-user');
    for (const [who, role] of [[viewer, 'viewer'], [editor, 'editor']] as const) {
      await form.getByLabel('Email').fill(who.email);
      await form.getByLabel('Password').fill(who.password);
      await form.getByRole('radio', { name: new RegExp(`^${role}`) }).check();
      await form.getByRole('button', { name: 'Create user' }).click();
      await page.getByTestId('users').locator(`tr[data-user-email="${who.email}"]`).waitFor();
    }
    const viewerRow = page.locator(`tr[data-user-email="${viewer.email}"]`);
    assert.equal(await viewerRow.getByRole('combobox').inputValue(), 'viewer');

    const adminRow = page.locator(`tr[data-user-email="${admin.email}"]`);
    await adminRow.getByRole('combobox').selectOption('editor');
    await adminRow.getByRole('button', { name: /^Save role/ }).click();
    const problem = adminRow.getByTestId('user-problem');
    await problem.waitFor();
    assert.match((await problem.textContent()) ?? '', /last enabled admin/);
    assert.equal(await adminRow.getByRole('combobox').inputValue(), 'admin', 'the role shown is the stored one again');
    await screenshot(page, 'users.png');
  });

  it('shows a viewer streams and alerts without edit controls, and refuses the admin pages', async () => {
    const asAdmin = await session(admin);
    const created = await api('/api/streams', {
      method: 'POST',
      session: asAdmin,
      body: { id: streamId, name: 'Acme launch', query: 'acme', channels: [{ kind: 'dashboard' }, { kind: 'webhook', url: 'https://hooks.example.com/pulse', secret: 'a webhook secret of 32 characters' }] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const opened = Date.now() - 60_000;
    await pulse.store.alerts.insert(
      alertFixture({
        id: alertId(streamId, 'sentiment', 'negative', opened),
        stream: streamId,
        openedAt: new Date(opened).toISOString(),
        updatedAt: new Date(opened + 1000).toISOString(),
        window: { from: new Date(opened - 30_000).toISOString(), to: new Date(opened).toISOString() },
      }),
    );

    await signOut();
    await signIn(viewer);
    await page.waitForURL(`${pulse.url}/`);
    assert.match((await page.getByTestId('signed-in').textContent()) ?? '', /viewer@example\.com.*viewer/);
    assert.equal(await nav().getByRole('link', { name: /^(Keys|Users|Audit)$/ }).count(), 0, 'no admin links for a viewer');
    // The overview's banner lists the open alert, without Acknowledge.
    const banner = page.getByTestId('alert-banner');
    await banner.waitFor();
    assert.equal(await banner.getByRole('button', { name: /Acknowledge/ }).count(), 0);

    await nav().getByRole('link', { name: 'Streams' }).click();
    const row = page.getByTestId('streams').locator(`tr[data-stream-id="${streamId}"]`);
    await row.waitFor();
    await page.getByTestId('read-only-note').waitFor();
    assert.equal(await page.getByRole('button', { name: '+ New stream' }).count(), 0);
    assert.equal(await row.getByRole('link', { name: /^Edit/ }).count(), 0);
    await row.getByRole('link', { name: /^View/ }).click();
    const streamForm = page.getByTestId('stream-editor');
    await streamForm.getByRole('heading', { name: /read only/ }).waitFor();
    assert.ok(await streamForm.getByLabel('Name', { exact: true }).isDisabled(), 'the fields are disabled');
    assert.equal(await streamForm.getByRole('button', { name: /^(Save|Delete|\+ Webhook|\+ Slack)/ }).count(), 0, 'no Save, Delete or channel buttons');
    await screenshot(page, 'streams-viewer.png');

    await nav().getByRole('link', { name: 'Alerts' }).click();
    const alertRow = page.locator('tbody[data-alert-id]').first();
    await alertRow.waitFor();
    assert.equal(await alertRow.getByRole('button', { name: /^(Acknowledge|Resolve)/ }).count(), 0, 'no alert actions for a viewer');
    await alertRow.getByRole('button', { name: /^Details/ }).waitFor();

    await page.goto(`${pulse.url}/admin/keys`);
    await page.getByText('Managing API keys needs the admin role').waitFor();
    assert.equal(await page.getByTestId('new-key').count(), 0);
    // The server refuses the viewer's session too (asked from here: a 403 in the page would be logged as an error).
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    assert.equal((await api('/api/keys', { session: { cookie } })).status, 403, 'and the server refuses the list too');
    await screenshot(page, 'viewer-refused.png');
  });

  it('lets an editor change a stream but not where its alerts are sent', async () => {
    await signOut();
    await signIn(editor);
    await page.waitForURL(`${pulse.url}/`);
    await nav().getByRole('link', { name: 'Streams' }).click();
    await page.getByTestId('streams').locator(`tr[data-stream-id="${streamId}"]`).getByRole('link', { name: /^Edit/ }).click();
    const streamForm = page.getByTestId('stream-editor');
    await streamForm.getByRole('button', { name: 'Save as version 2' }).waitFor();
    const locked = streamForm.getByTestId('channels-locked');
    assert.match((await locked.textContent()) ?? '', /needs the admin role/);
    assert.equal(await streamForm.getByTestId('channel').count(), 1, 'the stored webhook is listed');
    assert.equal(await streamForm.getByRole('button', { name: /^(\+ Webhook|\+ Slack|✕ Remove)/ }).count(), 0, 'and cannot be changed');

    await streamForm.getByLabel('Name', { exact: true }).fill('Acme launch (renamed)');
    await streamForm.getByRole('button', { name: 'Save as version 2' }).click();
    await streamForm.getByText('Saved “Acme launch (renamed)” as version 2.').waitFor();
    const stored = await api(`/api/streams/${streamId}`, { token: readerToken });
    assert.equal(stored.body?.stream?.name, 'Acme launch (renamed)');
    assert.deepEqual(stored.body?.stream?.channels.map((c: { kind: string }) => c.kind), ['dashboard', 'webhook'], 'the channels stayed');
  });

  it('lists the key creation and the stream change in the audit log, filtered in the URL', async () => {
    await signOut();
    // A `next` that would leave the site (`/.//host` is `//host` once normalised) is ignored.
    await page.goto(`${pulse.url}/login?next=${encodeURIComponent('/.//evil.example/')}`);
    await signIn(admin);
    await page.waitForURL(`${pulse.url}/`);
    await nav().getByRole('link', { name: 'Audit' }).click();
    await page.waitForURL(`${pulse.url}/admin/audit`);
    await page.getByTestId('audit').waitFor();
    await screenshot(page, 'audit.png');
    await page.getByLabel('Action').selectOption('key.create');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/\/admin\/audit\?action=key\.create$/);
    // The entries only, not the rows of a change's before / after table inside one.
    const rows = page.getByTestId('audit').locator(':scope > tbody > tr');
    await until('key.create entries', () => rows.count(), (n) => n === 2);
    const reader = rows.filter({ hasText: 'e2e reader' });
    const text = (await reader.textContent()) ?? '';
    for (const part of ['Created an API key', admin.email, 'Scopes', 'read']) assert.ok(text.includes(part), `${part} in ${text}`);
    assert.equal(await page.locator('tr[data-action]:not([data-action="key.create"])').count(), 0, 'only key creations');
    // The filter is in the URL: a reload (or a shared link) shows the same list.
    await page.reload();
    await until('key.create entries after a reload', () => rows.count(), (n) => n === 2);
    assert.equal(await page.getByLabel('Action').inputValue(), 'key.create');

    // The editor's change, as a before / after of the field it changed.
    await page.goto(`${pulse.url}/admin/audit?action=stream.update&targetKind=stream&targetId=${streamId}`);
    const diff = page.getByTestId('change-diff');
    await diff.waitFor();
    // The name, and the rule (the form saves the preset the API call left out).
    const name = diff.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name: 'Name' }) });
    assert.deepEqual(await name.locator('td').allTextContents(), ['− Acme launch', '+ Acme launch (renamed)']);
    assert.ok(((await rows.first().textContent()) ?? '').includes(editor.email), 'by the editor');
  });

  it('says how long to wait after too many sign-in attempts', async () => {
    await signOut();
    // Use up this address's attempts (10, then one per 5 s) from outside the browser.
    for (let i = 0; i < 12; i++) {
      await fetch(`${pulse.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: viewer.email, password: 'wrong password' }) });
    }
    await signIn(viewer);
    const error = page.getByTestId('login-error');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /Too many sign-in attempts from this address\. Wait \d+ s/);
    assert.ok(await page.getByRole('button', { name: /^Sign in \(wait \d+ s\)$/ }).isDisabled(), 'the button waits');
    assert.deepEqual(test.pageErrors, [], 'no errors in the pages');
  });
});
