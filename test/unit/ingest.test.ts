import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bus, OutRecord } from '../../lib/bus/bus.ts';
import type { Topic } from '../../lib/bus/topics.ts';
import { isPulseError } from '../../lib/errors.ts';
import { IngestAdmission } from '../../lib/ingest/admission.ts';
import { MaxMessagesPerRequest, parseBody } from '../../lib/ingest/body.ts';
import { Ingestor } from '../../lib/ingest/ingestor.ts';
import { normalizeIncoming, OriginalTextKey } from '../../lib/ingest/normalize.ts';
import { MaxTextChars, type DeadLetter, type RawMessage } from '../../lib/message.ts';

const now = Date.parse('2026-11-23T10:00:00.000Z');

describe('normalizeIncoming', () => {
  it('assigns an id, stamps both times and trims the text', () => {
    const r = normalizeIncoming({ source: 'web', text: '  hello  ' }, now);
    assert.ok(r.ok);
    assert.match(r.value.id, /^[0-9a-f-]{36}$/);
    assert.equal(r.value.ts, '2026-11-23T10:00:00.000Z');
    assert.equal(r.value.receivedAt, '2026-11-23T10:00:00.000Z');
    assert.equal(r.value.text, 'hello');
  });

  it('keeps the sender id and ts (ISO or epoch ms) and moves unknown fields into meta', () => {
    const iso = normalizeIncoming({ id: 'a1', ts: '2026-11-23T09:00:00+01:00', source: 's', text: 't', stars: 4, meta: { x: 1 } }, now);
    assert.ok(iso.ok);
    assert.equal(iso.value.id, 'a1');
    assert.equal(iso.value.ts, '2026-11-23T08:00:00.000Z');
    assert.deepEqual(iso.value.meta, { x: 1, stars: 4 });
    const epoch = normalizeIncoming({ ts: now - 1000, source: 's', text: 't' }, now);
    assert.ok(epoch.ok);
    assert.equal(epoch.value.ts, '2026-11-23T09:59:59.000Z');
  });

  it('rejects with a reason naming the field', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ source: 's', text: '   ' }, /text: text is empty/],
      [{ source: 's', text: '&nbsp;<p></p>&#32;' }, /text: text is empty once decoded/],
      [{ source: 's', text: 'x'.repeat(MaxTextChars + 1) }, /longer than 10000/],
      [{ text: 'no source' }, /source/],
      [{ source: 's', text: 42 }, /text/],
      [{ source: 's', text: 't', ts: 'yesterday' }, /ts/],
      [{ source: 's', text: 't', ts: now + 3_600_000 }, /future/],
      ['just a string', /expected object/],
      [null, /expected object/],
    ];
    for (const [input, reason] of cases) {
      const r = normalizeIncoming(input, now);
      assert.equal(r.ok, false, JSON.stringify(input)?.slice(0, 40));
      if (!r.ok) assert.match(r.reason, reason);
    }
  });

  it('decodes the text once and keeps the text as received in meta, only when decoding changed it', () => {
    const sent = '  It\\u2019s great &amp; fast &lt;p&gt;really&lt;/p&gt;  ';
    const r = normalizeIncoming({ source: 's', text: sent, stars: 5, meta: { x: 1 } }, now);
    assert.ok(r.ok);
    assert.equal(r.value.text, 'It’s great & fast really');
    assert.deepEqual(r.value.meta, { x: 1, stars: 5, [OriginalTextKey]: sent.trim() });
    const plain = normalizeIncoming({ source: 's', text: '  only trimmed  ' }, now);
    assert.ok(plain.ok);
    assert.equal(plain.value.meta, undefined);
    // The sender's own field of that name cannot pass for what ingest received.
    const claimed = normalizeIncoming({ source: 's', text: 'a &amp; b', originalText: 'forged' }, now);
    assert.ok(claimed.ok);
    assert.equal(claimed.value.meta?.[OriginalTextKey], 'a &amp; b');
  });

  it('accepts exactly 10,000 characters and non-English text', () => {
    assert.ok(normalizeIncoming({ source: 's', text: 'x'.repeat(MaxTextChars) }, now).ok);
    assert.ok(normalizeIncoming({ source: 's', text: 'Das ist großartig 👍 とても良い' }, now).ok);
  });
});

describe('parseBody', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return isPulseError(err) ? err.code : 'other';
    }
    return 'none';
  };

  it('reads a JSON array, a single JSON object and NDJSON', () => {
    assert.equal(parseBody('[{"a":1},{"a":2}]', 'application/json').length, 2);
    assert.equal(parseBody('{"a":1}', 'application/json; charset=utf-8').length, 1);
    const nd = parseBody('{"a":1}\n\n{broken\n{"a":3}\n', 'application/x-ndjson');
    assert.equal(nd.length, 3);
    assert.equal(nd[1]!.ok, false);
  });

  it('refuses broken JSON, other content types and too many messages with stable codes', () => {
    assert.equal(code(() => parseBody('[{"a":1}', 'application/json')), 'BODY_INVALID');
    assert.equal(code(() => parseBody('a,b', 'text/csv')), 'UNSUPPORTED_MEDIA_TYPE');
    assert.equal(code(() => parseBody('[]', undefined)), 'UNSUPPORTED_MEDIA_TYPE');
    const many = JSON.stringify(Array.from({ length: MaxMessagesPerRequest + 1 }, () => ({})));
    assert.equal(code(() => parseBody(many, 'application/json')), 'TOO_MANY_MESSAGES');
  });
});

describe('Ingestor', () => {
  it('publishes valid messages to the raw topic and every rejected one to the DLQ with its reason', async () => {
    const published: Array<[Topic, OutRecord<unknown>[]]> = [];
    const bus = { publish: async (topic: Topic, records: OutRecord<unknown>[]) => void published.push([topic, records]) } as unknown as Bus;
    const items = parseBody('{"source":"s","text":"good"}\n{"source":"s","text":""}\nnot json\n{"source":"s","text":"<br>&nbsp;"}\n', 'application/x-ndjson');
    const result = await new Ingestor(bus).ingest(items);
    assert.equal(result.accepted, 1);
    assert.deepEqual(result.rejected.map((r) => r.index), [1, 2, 3]);
    const raw = published.find(([t]) => t === 'pulse.messages.raw')![1];
    assert.equal((raw[0]!.value as RawMessage).text, 'good');
    assert.equal(raw[0]!.key, result.ids[0]);
    const dlq = published.find(([t]) => t === 'pulse.dlq')![1].map((r) => r.value as DeadLetter);
    assert.deepEqual(dlq.map((d) => d.payload), [{ source: 's', text: '' }, 'not json', { source: 's', text: '<br>&nbsp;' }]);
    assert.match(dlq[0]!.reason, /text is empty/);
    assert.match(dlq[1]!.reason, /invalid JSON/);
    assert.match(dlq[2]!.reason, /text is empty once decoded/);
    assert.equal(dlq[0]!.stage, 'ingest');
  });
});

describe('IngestAdmission', () => {
  const limits = { ingestRatePerKey: 10, ingestRatePerIp: 100, ingestBurst: 10, ingestMaxBacklog: 50 };
  const overloaded = (err: unknown) => isPulseError(err, 'INGEST_OVERLOADED');

  it('refuses while the lag reader last saw a backlog over the limit, and admits before its first reading', () => {
    const lag: { backlog: number | undefined } = { backlog: undefined };
    const admission = new IngestAdmission(lag, limits);
    admission.checkBacklog();
    lag.backlog = 51;
    assert.throws(() => admission.checkBacklog(), overloaded);
    assert.throws(() => admission.admit({ ip: '10.0.0.1', quotaKey: 'key:a' }, 1), overloaded);
    lag.backlog = 50;
    admission.admit({ ip: '10.0.0.1', quotaKey: 'key:a' }, 1);
  });

  it('counts messages against the sender\'s key and its address', () => {
    const admission = new IngestAdmission({ backlog: 0 }, limits, () => 0);
    admission.admit({ ip: '10.0.0.1', quotaKey: 'key:a' }, 10);
    assert.throws(() => admission.admit({ ip: '10.0.0.2', quotaKey: 'key:a' }, 1), /this key/, 'the key is spent, from any address');
    assert.throws(() => admission.admit({ ip: '10.0.0.1', quotaKey: 'key:b' }, 1), /this address/, 'the address is spent, whatever the key');
    admission.admit({ ip: '10.0.0.2', quotaKey: 'key:b' }, 5);
  });
});
