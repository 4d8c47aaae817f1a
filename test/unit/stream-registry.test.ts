/**
 * StreamRegistry against a store that answers slowly: its reads never overlap, so a read begun
 * before a stream was saved cannot put back the list from before it, and a poll faster than the
 * store does not pile reads up.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { StreamRegistry } from '../../lib/streams/registry.ts';
import type { StreamRecord } from '../../lib/streams/stream.ts';

function stream(id: string, query: string): StreamRecord {
  return { id, version: 1, name: id, query, sources: [], rule: {}, channels: [], updatedAt: '2026-12-07T00:00:00.000Z', deleted: false };
}

const message = { id: 'm1', ts: '2026-12-07T00:00:00.000Z', receivedAt: '2026-12-07T00:00:00.000Z', source: 'web', text: 'the acme launch was great' };

describe('StreamRegistry', () => {
  it('keeps a stream saved while an earlier read was under way, though that read ends last', async () => {
    let rows: StreamRecord[] = [];
    let holdNext = false;
    let release = () => {};
    const store = {
      list: async () => {
        const held = rows;
        if (holdNext) {
          holdNext = false;
          await new Promise<void>((resolve) => (release = resolve));
        }
        return held;
      },
    };
    const registry = await StreamRegistry.start(store, { pollMs: 60_000 });
    holdNext = true;
    const before = registry.refresh(); // the store had no stream when this read began
    rows = [stream('acme-launch', 'acme')];
    const after = registry.refresh(); // asked for once the stream was saved
    await sleep(10);
    release();
    await Promise.all([before, after]);
    assert.deepEqual(registry.streams.map((s) => s.id), ['acme-launch']);
    assert.deepEqual(registry.match(message), ['acme-launch']);
    await registry.stop();
  });

  it('reads a store slower than its poll one read at a time', async () => {
    let underWay = 0;
    let most = 0;
    let reads = 0;
    const store = {
      list: async () => {
        reads++;
        most = Math.max(most, ++underWay);
        await sleep(60);
        underWay--;
        return [stream('acme-launch', 'acme')];
      },
    };
    const registry = await StreamRegistry.start(store, { pollMs: 5 });
    await sleep(400);
    await registry.stop();
    assert.equal(most, 1, 'reads overlapped');
    assert.ok(reads >= 3, `the poll kept reading (${reads} reads)`);
  });
});
