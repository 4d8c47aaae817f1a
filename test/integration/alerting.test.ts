/**
 * Streams → detector → webhook, end to end on both runtimes' code paths (in-process bus, and
 * Kafka on librdkafka's mock cluster; chdb in both):
 * a stream is created over the REST API with a signed webhook to a receiver on this host;
 * three minutes of its history go in through /api/ingest (positive on the whole); the server
 * restarts, so the detector starts from that history as a deployed one does after a restart;
 * then messages replay in real time at 20/s and turn negative. The receiver must get exactly
 * one `opened` sentiment alert for the stream (and at most a negative surge beside it: the
 * negative messages' rate rose too), correctly signed, that explains itself: the
 * direction, the baseline above the current value, the word that drove it among the top terms
 * and five negative example messages from the stream. Acknowledging it over the API must show
 * in the alert's next version, and the delivery must be recorded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyWebhookSignature, type WebhookPayload } from '../../lib/alerts/channels/index.ts';
import { Rng } from '../../harness/anomaly/rng.ts';
import type { Pulse } from '../../server/pulse.ts';
import { AlertingServer, alertingRuntimes } from '../support/alerting-server.ts';
import type { Receiver } from '../support/http-receiver.ts';
import { waitFor } from '../support/wait.ts';

const secret = 'e2e-secret-0123456789';
const stream = 'acme-launch';

const positive = [
  'Loving the new Acme launch, everything works great',
  'Acme launch day and the app is fantastic, thank you team',
  'The Acme launch event was wonderful, so happy with it',
  'Great job Acme, the launch is smooth and fast',
];
const neutral = ['Acme launch is scheduled for today at noon', 'Watching the Acme launch stream now'];
const negative = [
  'Acme outage again, the launch is a disaster and nothing works',
  'Total outage at Acme after the launch, furious and angry',
  'Acme launch outage, support ignores us, terrible experience',
  'Another Acme outage, I want a refund, awful launch',
];

// Seeded: the same messages every run, with the second-to-second noise of real traffic.
const rng = new Rng(7);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rng.next() * list.length)]!;

/** The stream as usual: 70 % positive, 20 % neutral, 10 % negative without "outage". */
function usual(): string {
  const r = rng.next();
  return r < 0.7 ? pick(positive) : r < 0.9 ? pick(neutral) : 'Acme launch was slow for me today';
}

async function post(base: string, pathname: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(new URL(pathname, base), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

for (const runtime of alertingRuntimes) describe(`alerting end to end (${runtime.name})`, { timeout: 240_000 }, () => {
  let server: AlertingServer | undefined;
  let pulse: Pulse | undefined;
  let receiver: Receiver;

  before(async () => {
    server = await AlertingServer.start(runtime, 'pulse-alerting-');
    ({ pulse, receiver } = server);
  });

  after(async () => server?.close());

  it('raises one signed, explained webhook alert when the stream turns negative', async () => {
    const created = await post(pulse!.url, '/api/streams', {
      name: 'Acme launch',
      query: 'acme AND (launch OR outage)',
      rule: { sensitivity: 'medium' },
      channels: [{ kind: 'webhook', url: receiver.url(), secret }],
    });
    assert.equal(created.status, 201, await created.clone().text());
    // The classifier matches with the new stream once the registry has read it.
    await waitFor(() => pulse!.streams.streams.some((s) => s.id === stream), 5_000);

    // History: 180 s of the usual at 20 msgs/s, ending 10 s ago.
    const historyEnd = Date.now() - 10_000;
    const history = Array.from({ length: 180 * 20 }, (_, i) => ({ source: 'e2e', text: usual(), ts: new Date(historyEnd - 180_000 + i * 50).toISOString() }));
    for (let i = 0; i < history.length; i += 1000) {
      const res = await post(pulse!.url, '/api/ingest', history.slice(i, i + 1000));
      assert.equal(res.status, 202);
    }
    await waitFor(async () => {
      const res = await fetch(new URL(`/api/stats?stream=${stream}&from=${historyEnd - 200_000}&to=${Date.now()}&bucket=1h`, pulse!.url));
      const { buckets } = (await res.json()) as { buckets: Array<{ count: number }> };
      return buckets.reduce((n, b) => n + b.count, 0) === history.length;
    }, 60_000, 250);

    // Restart: the detector reads the stored history as its baseline.
    pulse = await server!.restart();

    // Live: 20 msgs/s, the usual for 5 s, then negative with "outage" until the alert arrives.
    const start = Date.now();
    let sent = 0;
    let shiftAt = 0;
    const opened = () =>
      receiver.requests.find((r) => {
        const payload = JSON.parse(r.body) as WebhookPayload;
        return payload.event === 'opened' && payload.alert.kind === 'sentiment';
      });
    while (!opened() && Date.now() - start < 60_000) {
      const elapsed = Date.now() - start;
      const due = Math.floor(elapsed / 50);
      const batch = [];
      for (; sent < due; sent++) {
        const shifted = elapsed > 5_000;
        if (shifted && !shiftAt) shiftAt = Date.now();
        batch.push({ source: 'e2e', text: shifted ? pick(negative) : usual() });
      }
      if (batch.length) assert.equal((await post(pulse!.url, '/api/ingest', batch)).status, 202);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const request = opened();
    assert.ok(request, `no alert reached the webhook within 60 s (${receiver.requests.length} requests)`);
    console.log(`# ${runtime.name}: alert delivered ${((request.at - shiftAt) / 1000).toFixed(1)} s after the shift began (settle 1 s)`);

    assert.ok(
      verifyWebhookSignature({ secret, body: request.body, signature: request.headers['x-pulse-signature'] as string, timestamp: request.headers['x-pulse-timestamp'] as string }),
      'the signature verifies with the stream secret',
    );
    const { alert } = JSON.parse(request.body) as WebhookPayload;
    console.log(`# ${runtime.name}: top terms ${alert.topTerms.join(', ')}`);
    assert.equal(alert.stream, stream);
    assert.equal(alert.kind, 'sentiment');
    assert.equal(alert.direction, 'negative');
    assert.equal(alert.status, 'open');
    assert.ok(alert.z <= -5, `z ${alert.z}`);
    assert.ok(alert.baseline.center > alert.current + 0.3, `baseline ${alert.baseline.center} vs current ${alert.current}`);
    assert.ok(Date.parse(alert.openedAt) >= shiftAt - 1000, 'opened after the shift, not on the history');
    assert.ok(alert.topTerms.includes('outage'), `top terms: ${alert.topTerms.join(', ')}`);
    assert.equal(alert.examples.length, 5);
    for (const e of alert.examples) {
      assert.equal(e.label, 'negative');
      assert.ok(negative.includes(e.text), e.text);
    }
    assert.match(alert.reason, /^Sentiment of 'Acme launch' fell from \+0\.\d\d to −0\.\d\d \(z −\d+\.\d\) over \d+ s, \d+ messages$/);

    // Only that alert and the negative surge of the same shift (escalations may follow): no
    // volume alert (the rate did not change), nothing raised on the history.
    const events = receiver.requests.map((r) => JSON.parse(r.body) as WebhookPayload);
    const others = events.filter((e) => e.alert.id !== alert.id);
    assert.ok(others.every((e) => e.alert.kind === 'surge' && e.alert.direction === 'negative'), others.map((e) => e.alert.id).join(', '));
    assert.equal(events.find((e) => e.alert.id === alert.id)!.event, 'opened');

    const acked = await post(pulse!.url, `/api/alerts/${encodeURIComponent(alert.id)}/acknowledge`, {});
    assert.equal(acked.status, 200);
    const detail = (await (await fetch(new URL(`/api/alerts/${encodeURIComponent(alert.id)}`, pulse!.url))).json()) as {
      alert: { status: string; acknowledgedAt?: string };
      deliveries: Array<{ channel: string; status: string; event: string }>;
    };
    assert.equal(detail.alert.status, 'acknowledged');
    assert.ok(detail.alert.acknowledgedAt);
    assert.ok(detail.deliveries.some((d) => d.channel === 'webhook' && d.status === 'ok' && d.event === 'opened'));
    assert.ok(detail.deliveries.some((d) => d.channel === 'dashboard' && d.status === 'ok'));
  });
});
