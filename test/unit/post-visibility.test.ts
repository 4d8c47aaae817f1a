/**
 * The pipeline bench's latency reading (bench/post-visibility.ts) against a stand-in for
 * `/api/sources`: each message is matched to its own POST whatever order the POSTs become
 * visible in, and a poll asks only about the open POSTs' time range.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostVisibility } from '../../bench/post-visibility.ts';

/** What the stand-in answers now (source → stored count), and the queries it was asked. */
const stored = new Map<string, number>();
const asked: URLSearchParams[] = [];
const server = http.createServer((req, res) => {
  const url = new URL(req.url!, 'http://x');
  asked.push(url.searchParams);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ sources: [...stored].map(([source, count]) => ({ source, count })) }));
});
let base = '';

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

describe('bench post visibility', () => {
  it('matches each stored message to its own POST, even when a later POST is stored first', async () => {
    stored.clear();
    const posts = new PostVisibility(base, 'run');
    assert.equal(posts.add(3), 'run-0');
    await sleep(40);
    assert.equal(posts.add(2), 'run-1');
    assert.equal(posts.sent, 5);

    // The later POST is stored whole and one message of the first: first in, first out would
    // have charged the early POST's send time to the later POST's messages.
    stored.set('run-1', 2).set('run-0', 1);
    await posts.poll();
    assert.equal(posts.visible, 3);
    const [first, ...later] = posts.seen;
    assert.ok(first!.latencyMs >= 40, `the first POST's message waited since its own send (${first!.latencyMs} ms)`);
    for (const s of later) assert.ok(s.latencyMs < first!.latencyMs - 30, 'the later POST counts from its own send');

    stored.set('run-0', 3);
    await posts.poll();
    assert.equal(posts.visible, 5);
    assert.equal(posts.seen.filter((s) => s.sentAt === first!.sentAt).length, 3);

    // Counted once: a poll that finds nothing new adds nothing, and a count above what was sent is capped.
    stored.set('run-0', 9);
    await posts.poll();
    assert.equal(posts.visible, 5);
  });

  it('asks only about the time range of the POSTs not yet wholly visible', async () => {
    stored.clear();
    asked.length = 0;
    const posts = new PostVisibility(base, 'range');
    posts.add(1);
    await sleep(1100);
    const secondSentAt = Date.now();
    posts.add(1);
    stored.set('range-0', 1);
    await posts.poll();
    await posts.poll();
    const [whileOpen, afterFirst] = asked.map((q) => Date.parse(q.get('from')!));
    // Each range starts a second before its first open POST: the second poll no longer reaches back to the first POST.
    assert.ok(afterFirst! - whileOpen! >= 1000, `the range moved on once the first POST was visible (${afterFirst! - whileOpen!} ms)`);
    assert.ok(afterFirst! <= secondSentAt - 1000 + 5);
    assert.equal(asked[0]!.get('limit'), '1000');
  });
});
