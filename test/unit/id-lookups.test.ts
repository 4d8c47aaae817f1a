/**
 * Lookups of messages by id (lib/store/rows.ts, idLookups): chunks of at most one query's worth
 * of ids, each with the time range of its own messages, at any size a write can have.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idLookups } from '../../lib/store/rows.ts';

const at = (ms: number) => new Date(Date.UTC(2026, 11, 7) + ms).toISOString();

describe('id lookups', () => {
  it('splits the ids by the client limit, each chunk with its own time range', () => {
    const messages = [5, 1, 9, 3, 7].map((s, i) => ({ id: `m${i}`, ts: at(s * 1000) }));
    assert.deepEqual(idLookups(messages, 2), [
      { min: new Date(at(1000)), max: new Date(at(5000)), ids: ['m0', 'm1'] },
      { min: new Date(at(3000)), max: new Date(at(9000)), ids: ['m2', 'm3'] },
      { min: new Date(at(7000)), max: new Date(at(7000)), ids: ['m4'] },
    ]);
    assert.deepEqual(idLookups([], 2), []);
  });

  it('takes 300,000 ids in one lookup when the client has no limit (more than a call can take as arguments)', () => {
    const messages = Array.from({ length: 300_000 }, (_, i) => ({ id: `m${i}`, ts: at(300_000 - i) }));
    const [lookup, ...rest] = idLookups(messages, Number.POSITIVE_INFINITY);
    assert.equal(rest.length, 0);
    assert.deepEqual({ min: lookup!.min, max: lookup!.max }, { min: new Date(at(1)), max: new Date(at(300_000)) });
    assert.equal((lookup!.ids as string[]).length, 300_000);
  });
});
