import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRecord, encodeValue } from '../../lib/bus/codec.ts';
import { Topics } from '../../lib/bus/topics.ts';
import { normalizeIncoming } from '../../lib/ingest/normalize.ts';

const now = Date.parse('2026-11-23T10:00:00.000Z');
const at = { partition: 2, offset: '17' };

describe('bus codec', () => {
  it('round-trips a normalised message and refuses anything else as a dead letter of stage bus', () => {
    const m = normalizeIncoming({ source: 's', text: 't' }, now);
    assert.ok(m.ok);
    const decoded = decodeRecord(Topics.raw, 'g', { key: m.value.id, value: encodeValue<typeof Topics.raw>(m.value), ...at }, now);
    assert.deepEqual(decoded, { ok: true, record: { key: m.value.id, value: m.value, ...at } });

    const broken = decodeRecord(Topics.raw, 'g', { key: 'k1', value: '{nope', ...at }, now);
    assert.ok(!broken.ok);
    assert.match(broken.deadLetter.reason, /^malformed record on pulse\.messages\.raw \(group g\): invalid JSON/);
    assert.deepEqual({ ...broken.deadLetter, reason: '' }, { reason: '', stage: 'bus', at: new Date(now).toISOString(), payload: '{nope', id: 'k1' });

    const wrong = decodeRecord(Topics.raw, 'g', { key: null, value: JSON.stringify({ source: 's', text: 't' }), ...at }, now);
    assert.ok(!wrong.ok);
    assert.match(wrong.deadLetter.reason, /^malformed record on pulse\.messages\.raw \(group g\): id: /);
    assert.deepEqual(wrong.deadLetter.payload, { source: 's', text: 't' });
    assert.equal(wrong.deadLetter.id, undefined, 'a record without a key gives a dead letter without an id');
  });

  it('checks each topic against its own schema', () => {
    const letter = { reason: 'r', stage: 'ingest', at: new Date(now).toISOString(), payload: 'x' };
    assert.ok(decodeRecord(Topics.dlq, 'g', { key: 'k', value: JSON.stringify(letter), ...at }).ok);
    const notScored = decodeRecord(Topics.scored, 'g', { key: 'k', value: JSON.stringify(letter), ...at });
    assert.ok(!notScored.ok && /^malformed record on pulse\.messages\.scored \(group g\): /.test(notScored.deadLetter.reason));
  });
});
