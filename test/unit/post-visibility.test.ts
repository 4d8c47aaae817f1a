/**
 * The pipeline bench's reading (harness/post-visibility.ts) against a stand-in for
 * `/api/sources`: the first messages of every POST are probes matched to their own POST's send
 * time whatever order the POSTs become visible in, and every message of the run counts as stored.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostVisibility } from '../../harness/post-visibility.ts';

/** What the stand-in answers now: source → stored count. */
const stored = new Map<string, number>();
const server = http.createServer((_, res) => {
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
  it('makes the first messages of every POST probes and counts every message of the run', async () => {
    stored.clear();
    const posts = new PostVisibility(base, 'run');
    const first = posts.add(25);
    assert.deepEqual([first.filter((s) => s === 'run-0').length, first.slice(10).every((s) => s === 'run')], [10, true]);
    assert.deepEqual(posts.add(3), ['run-1', 'run-1', 'run-1']);
    assert.equal(posts.sent, 28);

    stored.set('run', 15).set('run-0', 10).set('run-1', 2).set('someone-else', 500);
    await posts.poll();
    assert.equal(posts.visible, 27, "the run's and its probes' messages, no one else's");
    assert.equal(posts.seen.length, 12, 'only probes are timed');
  });

  it('fills a reused probe source with its earlier POST first', async () => {
    stored.clear();
    const posts = new PostVisibility(base, 'lanes');
    posts.add(1);
    await sleep(40);
    for (let i = 1; i <= 500; i++) posts.add(1);
    // POSTs 0 and 500 share lanes-0: one message counted there is POST 0's.
    stored.set('lanes-0', 1);
    await posts.poll();
    assert.equal(posts.seen.length, 1);
    assert.ok(posts.seen[0]!.latencyMs >= 40, 'timed from the earlier POST');
    stored.set('lanes-0', 2);
    await posts.poll();
    assert.ok(posts.seen[1]!.latencyMs < posts.seen[0]!.latencyMs, 'then the later one, from its own send');
  });

  it("matches each probe's messages to its own POST, even when a later probe is stored first", async () => {
    stored.clear();
    const posts = new PostVisibility(base, 'order');
    posts.add(3); // probes order-0
    await sleep(40);
    posts.add(2); // probes order-1

    // The later probe is stored whole and one message of the first: first in, first out would
    // have charged the early probe's send time to the later probe's messages.
    stored.set('order-1', 2).set('order-0', 1);
    await posts.poll();
    const [first, ...later] = posts.seen;
    assert.equal(posts.seen.length, 3);
    assert.ok(first!.latencyMs >= 40, `the first probe's message waited since its own send (${first!.latencyMs} ms)`);
    for (const s of later) assert.ok(s.latencyMs < first!.latencyMs - 30, 'the later probe counts from its own send');

    // Counted once: a count that did not move adds nothing, and one above what was sent is capped.
    stored.set('order-0', 9);
    await posts.poll();
    await posts.poll();
    assert.equal(posts.seen.length, 5);
    assert.equal(posts.seen.filter((s) => s.sentAt === first!.sentAt).length, 3);
  });
});
