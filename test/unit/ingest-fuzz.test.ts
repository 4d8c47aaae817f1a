/**
 * Property tests (fast-check) of the ingest entry: whatever a client sends, the parser answers
 * items or one of its stable errors, and the ingestor accounts for every item exactly once —
 * accepted and published, or rejected with its index and dead-lettered. Never a crash, never
 * a silent loss; a text that decoding changes keeps what was received.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Bus, OutRecord } from '../../lib/bus/bus.ts';
import { Topics } from '../../lib/bus/topics.ts';
import type { RawMessage } from '../../lib/message.ts';
import { isPulseError } from '../../lib/errors.ts';
import { MaxMessagesPerRequest, parseBody } from '../../lib/ingest/body.ts';
import { Ingestor } from '../../lib/ingest/ingestor.ts';
import { normalizeIncoming, OriginalTextKey } from '../../lib/ingest/normalize.ts';
import { decodeText } from '../../lib/text/decode.ts';

const parserErrors = ['BODY_INVALID', 'UNSUPPORTED_MEDIA_TYPE', 'TOO_MANY_MESSAGES'];

function recordingBus(): { bus: Bus; published: Map<string, OutRecord<unknown>[]> } {
  const published = new Map<string, OutRecord<unknown>[]>();
  const bus = {
    publish: async (topic: string, records: OutRecord<unknown>[]) => {
      published.set(topic, [...(published.get(topic) ?? []), ...records]);
    },
  } as unknown as Bus;
  return { bus, published };
}

/** Message-like values: mostly near-valid, with every field sometimes wrong. */
const messageish = fc.oneof(
  fc.record(
    {
      id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      ts: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), fc.integer()),
      source: fc.oneof(fc.string({ maxLength: 80 }), fc.integer()),
      text: fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 50 }), fc.constant('   '), fc.integer()),
      author: fc.string(),
      lang: fc.string(),
      url: fc.string(),
      meta: fc.jsonValue(),
      extra: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
);

/** Texts built from the pieces decoding looks at: references, `\u` escapes, tags, space. */
const escapedText = fc
  .array(fc.constantFrom('&amp;', '&lt;', 'p&gt;', '&#8217;', '&#x2019;', '&nbsp;', '&', '\\u2019', '\\ud83d', '\\ude00', '<br>', '</p>', '<b>', '<3', ' ', '\n', 'ok', 'é'), { maxLength: 20 })
  .map((pieces) => pieces.join(''));

describe('ingest under arbitrary input (fast-check)', () => {
  it('the parser answers items or a stable error for any body and content type', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.json(), fc.array(fc.json()).map((lines) => lines.join('\n'))),
        fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/x-ndjson', 'text/plain', undefined),
        (body, type) => {
          try {
            const items = parseBody(body, type);
            assert.ok(items.length <= MaxMessagesPerRequest);
          } catch (err) {
            assert.ok(isPulseError(err) && parserErrors.includes(err.code), String(err));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('NDJSON: one item per non-empty line, broken lines rejected alone', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.json(), fc.string())), (lines) => {
        const body = lines.join('\n');
        const items = parseBody(body, 'application/x-ndjson');
        assert.equal(items.length, body.split('\n').filter((l) => l.trim() !== '').length);
      }),
      { numRuns: 1000 },
    );
  });

  it('every item is accepted and published, or rejected by index and dead-lettered', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(messageish, { maxLength: 30 }), async (values) => {
        const { bus, published } = recordingBus();
        const result = await new Ingestor(bus).ingest(values.map((value) => ({ ok: true, value })));
        const raw = published.get(Topics.raw) ?? [];
        const dead = published.get(Topics.dlq) ?? [];
        assert.equal(result.accepted + result.rejected.length, values.length);
        assert.equal(raw.length, result.accepted);
        assert.equal(dead.length, result.rejected.length);
        assert.deepEqual(raw.map((r) => r.key), result.ids);
        const rejectedAt = new Set(result.rejected.map((r) => r.index));
        assert.equal(rejectedAt.size, result.rejected.length);
        for (const r of result.rejected) assert.ok(r.reason.length > 0);
        for (const record of raw) {
          const m = record.value as RawMessage;
          assert.ok(m.text.trim().length > 0 && m.text.length <= 10_000);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('stores the decoded text, and the text as received exactly when they differ', () => {
    fc.assert(
      fc.property(escapedText, (sent) => {
        const r = normalizeIncoming({ source: 's', text: sent });
        const decoded = decodeText(sent.trim()).trim();
        if (!r.ok) {
          assert.ok(decoded === '' && /text is empty/.test(r.reason), r.reason);
          return;
        }
        assert.equal(r.value.text, decoded);
        assert.ok(r.value.text.length <= sent.length);
        assert.equal(r.value.meta?.[OriginalTextKey], decoded === sent.trim() ? undefined : sent.trim());
      }),
      { numRuns: 1000 },
    );
  });
});
