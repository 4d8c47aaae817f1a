/**
 * Alert channels one by one: stored config parsing, the webhook's signature, the Slack
 * message, the dashboard record, and the URL guard (every refused range, schemes, redirects,
 * address pinning), against a local receiver on 127.0.0.1 where a request is needed.
 */
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { after, before, describe, it } from 'node:test';
import { AlertRecordSchema, AlertSchema } from '../../lib/alerts/alert.ts';
import { DeliveryError, channelTakes, parseChannelConfig, type SendContext } from '../../lib/alerts/channel.ts';
import { dashboardChannel } from '../../lib/alerts/channels/dashboard.ts';
import { createChannel } from '../../lib/alerts/channels/index.ts';
import { ExampleChars, dashboardLink, slackMessage, type SlackMessage } from '../../lib/alerts/channels/slack.ts';
import { signWebhook, verifyWebhookSignature, type WebhookPayload } from '../../lib/alerts/channels/webhook.ts';
import { parseRetryAfter, postJson, redactUrl } from '../../lib/alerts/http.ts';
import { checkWebhookUrl, isPrivateAddress } from '../../lib/alerts/url-guard.ts';
import type { OutRecord } from '../../lib/bus/bus.ts';
import type { Topic } from '../../lib/bus/topics.ts';
import { loadConfig } from '../../lib/config.ts';
import { isPulseError } from '../../lib/errors.ts';
import { channelTargetCheck, privateTargets } from '../../lib/streams/channel-targets.ts';
import type { StoredChannel } from '../../lib/streams/stream.ts';
import { alertFixture } from '../support/alert-fixture.ts';
import { Receiver } from '../support/http-receiver.ts';

const secret = 'a-secret-of-at-least-16';
const publicUrl = 'https://pulse.example.com';
const context = (): SendContext => ({ deliveryId: 'delivery-1', signal: AbortSignal.timeout(5_000) });
const refused = (err: unknown) => isPulseError(err, 'WEBHOOK_URL_REFUSED');
const noBus = { publish: async () => {} };

describe('channel configs', () => {
  it('parses the three kinds as brand teams store them', () => {
    assert.deepEqual(parseChannelConfig({ kind: 'dashboard' }), { kind: 'dashboard' });
    assert.deepEqual(parseChannelConfig({ kind: 'webhook', url: 'https://hooks.example.com/p', secret }), {
      kind: 'webhook', url: 'https://hooks.example.com/p', secret,
    });
    assert.deepEqual(parseChannelConfig({ kind: 'slack', url: 'https://hooks.slack.com/services/T/B/x' }), {
      kind: 'slack', url: 'https://hooks.slack.com/services/T/B/x',
    });
  });

  it('refuses a broken config with ALERT_CHANNEL_INVALID, naming fields but never their values', () => {
    const bad: unknown[] = [
      { kind: 'webhook', url: 'https://hooks.example.com/p' }, // no secret
      { kind: 'webhook', url: 'https://hooks.example.com/p', secret: 'short' },
      { kind: 'webhook', url: 'ftp://hooks.example.com/p', secret },
      { kind: 'slack', url: 'not a url' },
      { kind: 'slack', url: 'https://hooks.slack.com/services/T/B/tok', channel: '#x' }, // unknown key
      { kind: 'webhook', url: 'https://hooks.example.com/p', secert: secret, secret },
      { kind: 'email', to: 'a@b.c' },
      null,
    ];
    for (const input of bad) {
      assert.throws(
        () => parseChannelConfig(input),
        (err) => isPulseError(err, 'ALERT_CHANNEL_INVALID') && !err.message.includes('hooks.') && !err.message.includes(secret),
        JSON.stringify(input),
      );
    }
  });
});

describe('webhook signature', () => {
  const body = JSON.stringify({ hello: 'world' });
  const now = 1_741_082_400_000;
  const ts = String(now / 1000);

  it('verifies what it signed, in the documented form', () => {
    const signature = signWebhook(secret, ts, body);
    assert.match(signature, /^sha256=[0-9a-f]{64}$/);
    assert.equal(verifyWebhookSignature({ secret, body, signature, timestamp: ts, now }), true);
    assert.equal(verifyWebhookSignature({ secret, body: Buffer.from(body), signature, timestamp: ts, now }), true);
  });

  it('fails a tampered body, another secret, another timestamp, an old request and garbage', () => {
    const signature = signWebhook(secret, ts, body);
    const check = (over: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
      verifyWebhookSignature({ secret, body, signature, timestamp: ts, now, ...over });
    assert.equal(check({ body: body.replace('world', 'World') }), false);
    assert.equal(check({ secret: `${secret}!` }), false);
    assert.equal(check({ timestamp: String(Number(ts) + 1) }), false);
    assert.equal(check({ now: now + 301_000 }), false, 'older than the tolerance: a replay');
    assert.equal(check({ now: now + 299_000 }), true);
    assert.equal(check({ signature: 'sha256=00' }), false);
    assert.equal(check({ signature: undefined }), false);
    assert.equal(check({ timestamp: 'yesterday' }), false);
  });
});

describe('url guard', () => {
  const privateAddresses = [
    '127.0.0.1', '127.255.255.254', '10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.254', '192.168.0.1',
    '192.168.255.255', '169.254.169.254', '169.254.0.1', '100.64.0.1', '100.127.255.254', '0.0.0.0', '0.1.2.3',
    '224.0.0.1', '239.255.255.250', '255.255.255.255', '198.18.0.1',
    '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe', '::ffff:192.168.1.1',
    '64:ff9b::10.0.0.1', '64:ff9b::a9fe:a9fe',
  ];
  const publicAddresses = [
    '8.8.8.8', '1.1.1.1', '93.184.216.34', '100.63.255.255', '100.128.0.1', '172.15.255.255', '172.32.0.1',
    '192.169.0.1', '169.253.0.1', '11.0.0.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
  ];

  it('classifies every private, loopback, link-local, CGNAT, multicast and mapped range', () => {
    for (const a of privateAddresses) assert.equal(isPrivateAddress(a), true, a);
    for (const a of publicAddresses) assert.equal(isPrivateAddress(a), false, a);
    assert.equal(isPrivateAddress('not-an-ip'), true, 'anything that is not an address is refused');
  });

  it('refuses URLs with private IP literals, however written, and localhost', async () => {
    const urls = [
      'http://127.0.0.1:8080/hook', 'http://10.1.2.3/', 'http://172.16.5.4/', 'https://192.168.1.1/', 'http://169.254.169.254/latest/meta-data/',
      'http://100.64.1.1/', 'http://0.0.0.0:3000/', 'http://224.0.0.251/', 'http://[::1]:3000/', 'http://[fd00::5]/', 'http://[fe80::1]/',
      'http://[::ffff:127.0.0.1]/', 'http://[::ffff:169.254.169.254]/', 'http://2130706433/', 'http://0x7f.1/', 'http://017700000001/',
      'http://localhost:3000/', 'http://LocalHost/hook',
    ];
    for (const url of urls) {
      await assert.rejects(checkWebhookUrl(url, { allowPrivate: false }), refused, url);
      const allowed = await checkWebhookUrl(url, { allowPrivate: true });
      assert.ok(allowed.addresses.length > 0, url);
    }
  });

  it('refuses when any one address of a name is private, and checks every address', async () => {
    const resolve = async (host: string): Promise<LookupAddress[]> =>
      host === 'mixed.example'
        ? [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.7', family: 4 }]
        : [{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1::1', family: 6 }];
    await assert.rejects(checkWebhookUrl('https://mixed.example/hook', { allowPrivate: false, resolve }), (err) => refused(err) && /10\.0\.0\.7/.test((err as Error).message));
    const ok = await checkWebhookUrl('https://public.example/hook', { allowPrivate: false, resolve });
    assert.deepEqual(ok.addresses.map((a) => a.address), ['93.184.216.34', '2606:2800:220:1::1']);
    assert.equal(ok.hostname, 'public.example');
  });

  it('refuses schemes other than http and https, even when private addresses are allowed', async () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'gopher://127.0.0.1:70/', 'javascript:alert(1)', 'ws://example.com/', 'nonsense']) {
      await assert.rejects(checkWebhookUrl(url, { allowPrivate: true }), refused, url);
    }
  });

  it('says which host and address it refused, never the path or query (they may hold a token)', async () => {
    await assert.rejects(checkWebhookUrl('http://10.0.0.1/services/T1/B2/sekrit?token=abc', { allowPrivate: false }), (err) => {
      assert.ok(refused(err));
      const { message } = err as Error;
      assert.match(message, /10\.0\.0\.1/);
      assert.doesNotMatch(message, /sekrit|abc|services/);
      return true;
    });
  });

  it('connects to the address it checked, not to a second DNS answer (rebinding)', async () => {
    const receiver = await Receiver.start();
    try {
      let lookups = 0;
      // The only resolver that knows this name is the guard's: a second lookup by the socket would fail.
      const resolve = async (): Promise<LookupAddress[]> => {
        lookups++;
        return [{ address: '127.0.0.1', family: 4 }];
      };
      const url = `http://rebind.invalid:${receiver.port}/hook`;
      const sent = await postJson(url, '{}', {}, { allowPrivate: true, signal: AbortSignal.timeout(5_000), resolve });
      assert.deepEqual(sent, { httpStatus: 200 });
      assert.equal(lookups, 1);
      assert.equal(receiver.requests[0]?.headers.host, `rebind.invalid:${receiver.port}`, 'the Host header keeps the name');
      await assert.rejects(postJson(url, '{}', {}, { allowPrivate: false, signal: AbortSignal.timeout(5_000), resolve }), refused);
      assert.equal(receiver.requests.length, 1, 'a refused URL is never contacted');
    } finally {
      await receiver.close();
    }
  });

  it('does not follow redirects', async () => {
    const receiver = await Receiver.start();
    try {
      receiver.script = (req) => (req.path === '/hook' ? { status: 302, headers: { location: receiver.url('/elsewhere') } } : { status: 200 });
      await assert.rejects(postJson(receiver.url(), '{}', {}, { allowPrivate: true, signal: AbortSignal.timeout(5_000) }), (err) => {
        assert.ok(err instanceof DeliveryError);
        assert.deepEqual(err.detail, { retryable: false, httpStatus: 302 });
        assert.match(err.message, /redirects are not followed/);
        return true;
      });
      assert.deepEqual(receiver.requests.map((r) => r.path), ['/hook']);
    } finally {
      await receiver.close();
    }
  });
});

describe('http answers', () => {
  let receiver: Receiver;
  before(async () => {
    receiver = await Receiver.start();
  });
  after(() => receiver.close());
  const post = () => postJson(receiver.url(), '{}', {}, { allowPrivate: true, signal: AbortSignal.timeout(5_000) });

  it('classifies 5xx and 429 as retryable (with Retry-After), other 4xx as final', async () => {
    const cases = [
      { reply: { status: 503, body: 'busy' }, detail: { retryable: true, httpStatus: 503 } },
      { reply: { status: 429, headers: { 'retry-after': '7' } }, detail: { retryable: true, httpStatus: 429, retryAfterMs: 7000 } },
      { reply: { status: 400, body: 'invalid_payload' }, detail: { retryable: false, httpStatus: 400 } },
      { reply: { status: 404, body: 'no_service' }, detail: { retryable: false, httpStatus: 404 } },
    ];
    for (const c of cases) {
      receiver.script = () => c.reply;
      await assert.rejects(post(), (err) => {
        assert.ok(err instanceof DeliveryError);
        assert.deepEqual(err.detail, c.detail);
        if (c.reply.body) assert.match(err.message, new RegExp(`${c.reply.status}: ${c.reply.body}`));
        return true;
      });
    }
  });

  it('fails a refused connection as retryable, without the URL in the error', async () => {
    const closed = await Receiver.start();
    const url = closed.url('/secret-path');
    await closed.close();
    await assert.rejects(postJson(url, '{}', {}, { allowPrivate: true, signal: AbortSignal.timeout(5_000) }), (err) => {
      assert.ok(err instanceof DeliveryError);
      assert.equal(err.detail.retryable, true);
      assert.match(err.message, /ECONNREFUSED/);
      assert.doesNotMatch(err.message, /secret-path/);
      return true;
    });
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-03-04T10:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Tue, 04 Mar 2025 10:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Tue, 04 Mar 2025 09:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('redacts URLs to scheme, host and port', () => {
    assert.equal(redactUrl('https://hooks.slack.com/services/T000/B000/XXXXSECRET'), 'https://hooks.slack.com/…');
    assert.equal(redactUrl('https://user:pass@hooks.example.com:8443/p?token=t'), 'https://hooks.example.com:8443/…');
    assert.equal(redactUrl('https://hooks.example.com/?token=t'), 'https://hooks.example.com/…');
    assert.equal(redactUrl('http://hooks.example.com'), 'http://hooks.example.com/');
  });
});

describe('webhook channel', () => {
  let receiver: Receiver;
  before(async () => {
    receiver = await Receiver.start();
  });
  after(() => receiver.close());

  it('POSTs the alert, the event and the delivery id as JSON, signed over timestamp and raw body', async () => {
    const alert = alertFixture();
    const channel = createChannel(parseChannelConfig({ kind: 'webhook', url: receiver.url('/hook?token=abc'), secret }), { bus: noBus, allowPrivate: true, publicUrl });
    assert.equal(channel.kind, 'webhook');
    assert.equal(channel.target, `http://127.0.0.1:${receiver.port}/…`);
    assert.deepEqual(await channel.send(alert, 'opened', context()), { httpStatus: 200 });

    const req = receiver.requests.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/hook?token=abc');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['x-pulse-delivery'], 'delivery-1');
    const payload = JSON.parse(req.body) as WebhookPayload;
    assert.deepEqual(payload, { delivery: 'delivery-1', event: 'opened', alert, link: `https://pulse.example.com/alerts?alert=${alert.id}` });
    assert.deepEqual(AlertSchema.parse(payload.alert), alert);

    const signed = { secret, body: req.body, signature: req.headers['x-pulse-signature'] as string, timestamp: req.headers['x-pulse-timestamp'] as string };
    assert.ok(Math.abs(Number(signed.timestamp) - Date.now() / 1000) < 5);
    assert.equal(verifyWebhookSignature(signed), true);
    assert.equal(verifyWebhookSignature({ ...signed, body: req.body.replace('"opened"', '"resolved"') }), false, 'tampered body');
    assert.equal(verifyWebhookSignature({ ...signed, secret: 'another-secret-of-16+' }), false);
  });

  it('refuses the local receiver unless private addresses are allowed', async () => {
    const before = receiver.requests.length;
    const channel = createChannel({ kind: 'webhook', url: receiver.url(), secret }, { bus: noBus, allowPrivate: false, publicUrl });
    await assert.rejects(channel.send(alertFixture(), 'opened', context()), refused);
    assert.equal(receiver.requests.length, before);
  });
});

describe('slack channel', () => {
  const alert = alertFixture();

  it('words a model drift by its measures against the reference, its unknown words and least sure messages', () => {
    const drift = alertFixture({
      kind: 'model_drift', z: 0.31, current: 0.31, peak: { at: '2026-12-06T10:00:00.000Z', z: 0.31, current: 0.31, volume: 1234 }, opening: undefined,
      drift: { model: 'pulse-sentiment@sha256:03aabae4e464', psi: { confidence: 0.31, labels: 0.05, unknownWords: 0.24 }, unknownRate: { current: 0.14, reference: 0.062 }, threshold: 0.2, reference: { takenAt: '2026-12-05T10:00:00.000Z', messages: 1000 } },
      topTerms: ['ebitda', 'headwinds'],
    });
    const msg = slackMessage(drift, 'opened', 'https://pulse.example.com/');
    const [header, , facts, terms, examples] = msg.blocks;
    assert.ok(header?.type === 'header' && header.text.text.endsWith('Alert: model drift on acme-launch'));
    assert.ok(facts?.type === 'section' && 'fields' in facts);
    assert.deepEqual(facts.fields.map((f) => f.text).slice(0, 5), [
      '*Stream*\nacme-launch',
      '*Model*\npulse-sentiment@sha256:03aabae4e464',
      '*Confidence PSI*\n0.31 (alert over 0.20)',
      '*Unknown words*\n14.0 % against 6.2 % (PSI 0.24)',
      '*Label mix PSI*\n0.05',
    ]);
    assert.ok(facts.fields.at(-1)!.text.startsWith('*Peak*\nPSI 0.31, 1234 messages'), 'no z-score for a drift');
    assert.ok(terms?.type === 'section' && 'text' in terms && terms.text.text.startsWith('*Words the model does not know*'));
    assert.ok(examples?.type === 'section' && 'text' in examples && examples.text.text.startsWith('*Messages it was least sure of*'));
  });

  it('builds text and blocks a person can act on', () => {
    const msg = slackMessage(alert, 'opened', 'https://pulse.example.com/');
    assert.match(msg.text, /^:rotating_light: Alert: sentiment of acme-launch down: Sentiment of 'Acme launch' fell/);
    const [header, reason, facts, terms, examples, footer, ...rest] = msg.blocks;
    assert.equal(rest.length, 0);
    assert.deepEqual(header, { type: 'header', text: { type: 'plain_text', text: ':rotating_light: Alert: sentiment of acme-launch down', emoji: true } });
    assert.deepEqual(reason, { type: 'section', text: { type: 'mrkdwn', text: alert.reason } });
    assert.ok(facts?.type === 'section' && 'fields' in facts);
    const fields = facts.fields.map((f) => f.text);
    assert.deepEqual(fields, [
      '*Stream*\nacme-launch',
      '*Direction*\n▼ negative',
      '*Baseline → current*\n+0.21 → −0.12',
      '*z-score*\n−4.3 (baseline of 60 min)',
      '*Volume*\n412 messages in 30 s',
      '*Severity*\ncritical',
    ]);
    assert.ok(terms?.type === 'section' && 'text' in terms);
    assert.equal(terms.text.text, '*Top terms*\n`outage` · `refund` · `down`');

    assert.ok(examples?.type === 'section' && 'text' in examples);
    const lines = examples.text.text.split('\n').slice(1);
    assert.equal(lines.length, 5);
    assert.equal(lines[0], '>▼ −0.91  Acme is down AGAIN &lt;!channel&gt; &amp; nobody answers', 'escaped: no @channel ping, no stray entity');
    assert.ok(lines[1]!.endsWith('…') && lines[1]!.length < ExampleChars + 20, 'long texts are truncated');
    assert.equal(lines[2], '>▼ −0.80  checkout broken since noon', 'one line per message');

    assert.ok(footer?.type === 'context');
    const link = dashboardLink('https://pulse.example.com/', alert);
    assert.equal(link, 'https://pulse.example.com/?stream=acme-launch&window=1h');
    assert.ok(footer.elements[0]!.text.includes(`<${link.replace('&', '&amp;')}|its stream>`));
    assert.ok(footer.elements[0]!.text.includes(`<https://pulse.example.com/alerts?alert=${alert.id}|Open the alert in Pulse>`));
  });

  it('links a resolved alert to its own time span, and says who resolved it with the note', () => {
    const resolved = alertFixture({ status: 'resolved', resolvedAt: '2025-03-04T10:20:00.000Z', resolvedBy: 'person', resolvedByName: 'ops@example.com', resolveNote: 'rolled back <the> deploy' });
    const msg = slackMessage(resolved, 'resolved', publicUrl);
    assert.match(msg.text, /^:white_check_mark: Resolved: sentiment of acme-launch down \(Resolved by ops@example\.com: “rolled back &lt;the&gt; deploy”\)/);
    assert.deepEqual(msg.blocks[1], { type: 'section', text: { type: 'mrkdwn', text: '*Resolved by ops@example.com: “rolled back &lt;the&gt; deploy”*' } });
    assert.match(slackMessage({ ...resolved, resolvedBy: 'detector' }, 'resolved', publicUrl).text, /\(Resolved by the detector/);
    assert.equal(
      dashboardLink('https://pulse.example.com/base', resolved),
      'https://pulse.example.com/base/?stream=acme-launch&from=2025-03-04T09%3A45%3A00.000Z&to=2025-03-04T10%3A35%3A00.000Z',
    );
  });

  it('shows volume alerts in msgs/s and omits empty sections', () => {
    const volume = alertFixture({ kind: 'volume', direction: 'positive', current: 41, baseline: { center: 3.2, spread: 1, minutes: 30 }, topTerms: [], examples: [] });
    const msg = slackMessage(volume, 'updated', publicUrl);
    assert.equal(msg.blocks.length, 4);
    assert.match(JSON.stringify(msg.blocks[2]), /3\.2 msgs\/s → 41\.0 msgs\/s/);
    assert.match(msg.text, /Alert updated: volume of acme-launch up/);
  });

  it('words surges, acknowledgements, the peak and tests', () => {
    const surge = alertFixture({ kind: 'surge', label: 'negative', acknowledgedByName: 'ops@example.com', peak: { at: '2025-03-04T10:01:00.000Z', z: 30.7, current: 31.8, volume: 954 } });
    const acked = slackMessage(surge, 'acknowledged', publicUrl);
    assert.match(acked.text, /^:eyes: Acknowledged: negative surge on acme-launch \(Acknowledged by ops@example\.com\)/);
    assert.match(JSON.stringify(acked.blocks), /\*Peak\*\\n31\.8 msgs\/s, z \+30\.7, 954 messages at 2025-03-04T10:01:00\.000Z/);
    assert.match(slackMessage(surge, 'escalated', publicUrl).text, /Alert escalated: negative surge/);
    assert.match(slackMessage(surge, 'opened', publicUrl, true).text, /^:rotating_light: \[TEST\] Alert: /);
  });

  it('POSTs that message to the incoming webhook', async () => {
    const receiver = await Receiver.start();
    try {
      const channel = createChannel({ kind: 'slack', url: receiver.url('/services/T1/B2/tok') }, { bus: noBus, allowPrivate: true, publicUrl: 'https://pulse.example.com' });
      assert.equal(channel.target, `http://127.0.0.1:${receiver.port}/…`);
      assert.deepEqual(await channel.send(alert, 'opened', context()), { httpStatus: 200 });
      const req = receiver.requests[0]!;
      assert.equal(req.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(req.body) as SlackMessage, slackMessage(alert, 'opened', 'https://pulse.example.com'));
    } finally {
      await receiver.close();
    }
  });
});

describe('dashboard channel', () => {
  it('publishes the alert and its event on pulse.alerts, keyed by alert id', async () => {
    const published: Array<{ topic: Topic; records: OutRecord<unknown>[] }> = [];
    const channel = dashboardChannel({ publish: async (topic, records) => void published.push({ topic, records }) });
    const alert = alertFixture();
    assert.equal(channel.target, 'pulse.alerts');
    assert.deepEqual(await channel.send(alert, 'opened', context()), {});
    assert.equal(published.length, 1);
    assert.equal(published[0]!.topic, 'pulse.alerts');
    const [record] = published[0]!.records;
    assert.equal(record?.key, alert.id);
    const value = record!.value;
    assert.deepEqual(AlertRecordSchema.parse(value), { ...alert, event: 'opened' });
    assert.deepEqual(AlertSchema.parse(value), alert, 'still reads as a plain alert');
  });
});

describe('configuration', () => {
  it('reads PULSE_ALLOW_PRIVATE_WEBHOOKS, PULSE_PUBLIC_URL and the delivery policy', () => {
    assert.deepEqual(loadConfig({}).alerts, {
      allowPrivateWebhooks: false, publicUrl: 'http://127.0.0.1:3000', delivery: { maxAttempts: undefined, maxTotalMs: undefined, attemptTimeoutMs: undefined },
    });
    assert.equal(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }).alerts.publicUrl, 'http://localhost:8080', 'a wildcard bind address is not one a browser opens');
    assert.equal(loadConfig({ HOST: '::1' }).alerts.publicUrl, 'http://[::1]:3000');
    const c = loadConfig({
      PULSE_ALLOW_PRIVATE_WEBHOOKS: '1', PULSE_PUBLIC_URL: 'https://pulse.example.com', PULSE_ALERT_MAX_ATTEMPTS: '3',
      PULSE_ALERT_DELIVERY_WINDOW_MS: '60000', PULSE_ALERT_ATTEMPT_TIMEOUT_MS: '5000',
    });
    assert.deepEqual(c.alerts, {
      allowPrivateWebhooks: true, publicUrl: 'https://pulse.example.com', delivery: { maxAttempts: 3, maxTotalMs: 60_000, attemptTimeoutMs: 5_000 },
    });
    assert.throws(
      () => loadConfig({ PULSE_PUBLIC_URL: 'ftp://x', PULSE_ALLOW_PRIVATE_WEBHOOKS: 'maybe', PULSE_ALERT_MAX_ATTEMPTS: '0' }),
      (err) => isPulseError(err, 'CONFIG_INVALID') && ['PULSE_PUBLIC_URL', 'PULSE_ALLOW_PRIVATE_WEBHOOKS', 'PULSE_ALERT_MAX_ATTEMPTS'].every((k) => err.message.includes(k)),
    );
  });
});

describe('per-channel events', () => {
  it('sends the alert\'s life by default, never `updated` unless chosen; the dashboard hears everything', () => {
    const hook = parseChannelConfig({ kind: 'webhook', url: 'https://hooks.example.com/x', secret });
    assert.deepEqual(['opened', 'updated', 'escalated', 'acknowledged', 'resolved'].filter((e) => channelTakes(hook, e as never)), ['opened', 'escalated', 'acknowledged', 'resolved']);
    const chosen = parseChannelConfig({ kind: 'slack', url: 'https://hooks.slack.com/services/T/B/x', events: ['opened', 'updated'] });
    assert.equal(channelTakes(chosen, 'updated'), true);
    assert.equal(channelTakes(chosen, 'resolved'), false);
    assert.equal(channelTakes({ kind: 'dashboard' }, 'updated'), true);
    for (const events of [[], ['paged']]) {
      assert.throws(() => parseChannelConfig({ kind: 'slack', url: 'https://hooks.slack.com/x', events }), (err) => isPulseError(err, 'ALERT_CHANNEL_INVALID') && /events/.test(err.message));
    }
  });
});

describe('channel URLs at save time', () => {
  const resolve = async (host: string): Promise<LookupAddress[]> => {
    if (host === 'inside.example') return [{ address: '10.1.2.3', family: 4 }];
    if (host === 'public.example') return [{ address: '93.184.216.34', family: 4 }];
    throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
  };
  const stored = (url: string, id = 'c1'): StoredChannel => ({ kind: 'webhook', url, secret, id });
  const check = channelTargetCheck({ resolve, lookupTimeoutMs: 500 });

  it('refuses a loopback, private or link-local URL with the channel and the reason', async () => {
    for (const [url, why] of [
      ['http://127.0.0.1:9/hook', /127\.0\.0\.1 is a private, loopback/],
      ['http://169.254.169.254/latest', /169\.254\.169\.254/],
      ['https://inside.example/hook', /inside\.example resolves to 10\.1\.2\.3/],
    ] as const) {
      await assert.rejects(check([{ kind: 'dashboard', id: 'd' }, stored(url)], []), (err) => isPulseError(err, 'ALERT_CHANNEL_INVALID') && err.message.startsWith('channels.1.url: ') && why.test(err.message), url);
    }
  });

  it('lets public URLs, failed lookups and unchanged URLs through', async () => {
    await check([stored('https://public.example/hook'), stored('https://nowhere.example/hook', 'c2')], []);
    await check([stored('http://127.0.0.1:9/hook')], [stored('http://127.0.0.1:9/hook')]);
  });

  it('lists the inside URLs for the warning PULSE_ALLOW_PRIVATE_WEBHOOKS saves them with', async () => {
    const found = await privateTargets([stored('https://public.example/hook'), stored('http://127.0.0.1:9/hook', 'c2')], { resolve });
    assert.deepEqual(found.map((f) => f.field), ['channels.1.url']);
    assert.match(found[0]!.message, /127\.0\.0\.1 is a private, loopback/);
  });
});
