/**
 * The contract of the store, run against both backends (chdb and a ClickHouse server):
 * migrations and retention, idempotent inserts, per-second aggregates and message pages.
 * A backend's test file supplies how to open it; everything asserted lives here, once.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { isPulseError } from '../../lib/errors.ts';
import type { ScoredMessage } from '../../lib/message.ts';
import type { Label } from '../../lib/sentiment.ts';
import type { StatsPoint } from '../../lib/contracts/api.ts';
import type { Store } from '../../lib/store/index.ts';
import { migrate, migrations } from '../../lib/store/migrations.ts';
import type { SqlClient } from '../../lib/store/sql.ts';

export interface StoreBackend {
  /** A raw SQL client on the database under test, for looking behind the store. */
  client(): Promise<SqlClient>;
  /** `openStore` on that database. */
  open(retentionDays: number): Promise<Store>;
  /** Called last, after the store and the client are closed. */
  cleanup(): Promise<void>;
}

/**
 * Probabilities exactly representable in Float32, so what comes back equals what went in
 * (score = positive − negative).
 */
const probsOf: Record<Label, ScoredMessage['probs']> = {
  negative: { negative: 0.75, neutral: 0.125, positive: 0.125 },
  neutral: { negative: 0.25, neutral: 0.5, positive: 0.25 },
  positive: { negative: 0.0625, neutral: 0.1875, positive: 0.75 },
};

/** The start of the previous hour: recent enough for the TTL, and the fixture's 2 minutes stay in one hour. */
const base = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
const at = (offsetMs: number) => new Date(base + offsetMs);

function message(id: string, offsetMs: number, label: Label, extra: Partial<ScoredMessage> = {}): ScoredMessage {
  const probs = probsOf[label];
  return {
    id,
    ts: at(offsetMs).toISOString(),
    receivedAt: at(offsetMs + 5).toISOString(),
    source: 'twitter',
    text: `message ${id}`,
    label,
    confidence: probs[label],
    probs,
    score: probs.positive - probs.negative,
    model: 'test-model',
    streams: [],
    classifiedAt: at(offsetMs + 20).toISOString(),
    ...extra,
  };
}

/**
 * Second 0: 2 positive + 1 negative (one in stream acme, one from reddit); second 1: 1 neutral;
 * second 61 (the next minute): 1 negative in acme from reddit.
 */
const fixture: ScoredMessage[] = [
  message('a1', 100, 'positive', { streams: ['acme'] }),
  message('a2', 200, 'positive'),
  message('a3', 900, 'negative', { source: 'reddit' }),
  message('a4', 1_500, 'neutral', { text: 'The ACME store opens Monday' }),
  message('a5', 61_000, 'negative', { source: 'reddit', streams: ['acme', 'outage'] }),
];

const range = { from: at(0), to: at(120_000) };

function point(offsetMs: number, counts: Record<Label, number>, scoreSum: number): StatsPoint {
  const count = counts.negative + counts.neutral + counts.positive;
  return { t: at(offsetMs).toISOString(), count, ...counts, meanScore: scoreSum / count };
}

const score = (label: Label) => probsOf[label].positive - probsOf[label].negative;

export function storeContract(name: string, backend: StoreBackend | undefined, skip?: string): void {
  describe(name, { skip: backend ? false : skip }, () => {
    let store: Store;
    let sql: SqlClient;

    before(async () => {
      sql = await backend!.client();
      store = await backend!.open(30);
    });
    after(async () => {
      await store?.close();
      await sql?.close();
      await backend!.cleanup();
    });

    const clear = async () => {
      await sql.command('TRUNCATE TABLE messages');
      await sql.command('TRUNCATE TABLE sentiment_1s');
    };
    const showCreate = async (table: string) =>
      (await sql.query<{ statement: string }>(`SHOW CREATE TABLE ${table}`))[0]!.statement;
    const all = async () => (await store.messages.list({ limit: 1000 })).messages;

    describe('schema', () => {
      it('opens and answers', async () => {
        await store.ping();
      });

      it('records its migrations, and running them again is a no-op', async () => {
        assert.deepEqual(await migrate(sql, 30), { applied: [], retentionChanged: [] });
        const versions = await sql.query('SELECT version, name FROM schema_migrations FINAL ORDER BY version');
        assert.deepEqual(versions, migrations.map((m) => ({ version: m.version, name: m.name })));
        const tables = await sql.query<{ name: string }>(
          'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name',
        );
        for (const t of ['alerts', 'messages', 'schema_migrations', 'sentiment_1s', 'sentiment_1s_mv', 'streams']) {
          assert.ok(tables.some((r) => r.name === t), `table ${t} exists`);
        }
        // A second start on the same database changes nothing.
        const again = await backend!.open(30);
        await again.close();
        assert.equal((await sql.query('SELECT version FROM schema_migrations')).length, migrations.length);
      });

      it('applies only migrations it has not recorded, in order', async () => {
        const probe = (version: number) => ({
          version,
          name: `contract probe ${version}`,
          statements: () => [`CREATE TABLE IF NOT EXISTS contract_probe_${version} (x UInt8) ENGINE = MergeTree ORDER BY x`],
        });
        assert.deepEqual((await migrate(sql, 30, [probe(999), probe(998), ...migrations])).applied, [998, 999]);
        assert.deepEqual((await migrate(sql, 30, [...migrations, probe(998), probe(999)])).applied, []);
        const applied = await sql.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY applied_at, version');
        assert.deepEqual(applied.map((r) => r.version), [...migrations.map((m) => m.version), 998, 999]);
        for (const v of [998, 999]) await sql.command(`DROP TABLE contract_probe_${v}`);
        await sql.command('DELETE FROM schema_migrations WHERE version >= 998');
      });

      it('accepts an insert that spans more than 100 partitions (a replay of old messages)', async () => {
        await sql.command('CREATE TABLE contract_partitions (d Date) ENGINE = MergeTree PARTITION BY d ORDER BY d');
        const days = Array.from({ length: 101 }, (_, i) => ({ d: new Date(base - i * 86_400_000).toISOString().slice(0, 10) }));
        await sql.insert('contract_partitions', days);
        assert.equal((await sql.query('SELECT d FROM contract_partitions')).length, 101);
        await sql.command('DROP TABLE contract_partitions');
      });

      it('expires rows after retentionDays; a changed setting applies at the next start', async () => {
        assert.match(await showCreate('messages'), /TTL toDateTime\(ts\) \+ toIntervalDay\(30\)/);
        assert.match(await showCreate('sentiment_1s'), /TTL second \+ toIntervalDay\(30\)/);
        assert.match(await showCreate('alerts'), /TTL toDateTime\(created_at\) \+ toIntervalDay\(30\)/);
        assert.match(await showCreate('dead_letters'), /TTL toDateTime\(at\) \+ toIntervalDay\(30\)/);
        assert.match(await showCreate('alert_deliveries'), /TTL toDateTime\(at\) \+ toIntervalDay\(30\)/);
        assert.doesNotMatch(await showCreate('streams'), /TTL/);

        assert.deepEqual((await migrate(sql, 7)).retentionChanged, ['messages', 'sentiment_1s', 'alerts', 'dead_letters', 'alert_deliveries', 'term_counts', 'shadow_labels', 'drift_readings']);
        assert.match(await showCreate('messages'), /TTL toDateTime\(ts\) \+ toIntervalDay\(7\)/);
        assert.match(await showCreate('sentiment_1s'), /TTL second \+ toIntervalDay\(7\)/);
        assert.match(await showCreate('term_counts'), /TTL bucket \+ toIntervalDay\(7\)/);
        assert.match(await showCreate('shadow_labels'), /TTL .*toIntervalDay\(7\)/);
        assert.match(await showCreate('drift_readings'), /TTL .*toIntervalDay\(7\)/);
        assert.doesNotMatch(await showCreate('drift_references'), /TTL/, 'a reference is kept while its model may serve');
        assert.deepEqual((await migrate(sql, 7)).retentionChanged, []);
        assert.equal((await migrate(sql, 30)).retentionChanged.length, 8);
      });
    });

    describe('messages.insert', () => {
      beforeEach(clear);

      it('stores every field and reads it back', async () => {
        const full = message('full', 300, 'neutral', {
          author: '@someone',
          lang: 'en',
          url: 'https://example.com/p/1',
          meta: { likes: 3, tags: ['x'] },
          streams: ['acme', 'outage'],
        });
        const bare = message('bare', 400, 'positive');
        assert.deepEqual(await store.messages.insert([full, bare]), { inserted: 2, duplicates: 0 });
        // Listed with people's label beside the model's: nobody labelled these.
        assert.deepEqual(await all(), [bare, full].map((m) => ({ ...m, humanLabel: null })));
      });

      it('is idempotent by id: a redelivered batch changes neither messages nor stats', async () => {
        assert.deepEqual(await store.messages.insert(fixture), { inserted: fixture.length, duplicates: 0 });
        const messages = await all();
        const stats = await store.stats.buckets({ ...range, bucket: '1m' });
        const redelivered = fixture.map((m) => ({ ...m, classifiedAt: at(90_000).toISOString() }));
        assert.deepEqual(await store.messages.insert(redelivered), { inserted: 0, duplicates: fixture.length });
        assert.deepEqual(await all(), messages);
        assert.deepEqual(await store.stats.buckets({ ...range, bucket: '1m' }), stats);
        assert.equal((await sql.query('SELECT id FROM messages')).length, fixture.length);
      });

      it('keeps the new messages of a partly redelivered batch and drops repeats within it', async () => {
        await store.messages.insert(fixture.slice(0, 2));
        const batch = [...fixture, fixture[4]!, fixture[0]!];
        assert.deepEqual(await store.messages.insert(batch), { inserted: 3, duplicates: 4 });
        assert.deepEqual((await all()).map((m) => m.id).sort(), fixture.map((m) => m.id).sort());
        const [minute] = await store.stats.buckets({ ...range, bucket: '1h' });
        assert.equal(minute?.count, fixture.length);
      });

      it('counts each id once when batches sharing ids arrive side by side, one checked while another is written', async () => {
        // Submitted together: the first is written while the later ones are checked, and the
        // ids it is writing must count as stored although the lookup may not see them yet.
        const results = await Promise.all([
          store.messages.insert(fixture.slice(0, 3)),
          store.messages.insert(fixture.slice(2)),
          store.messages.insert(fixture.slice(1, 4)),
          store.messages.insert([...fixture].reverse()),
        ]);
        assert.equal(results.reduce((n, r) => n + r.inserted, 0), fixture.length);
        assert.equal(results.reduce((n, r) => n + r.inserted + r.duplicates, 0), 3 + (fixture.length - 2) + 3 + fixture.length);
        assert.equal((await sql.query('SELECT id FROM messages')).length, fixture.length);
        const [hour] = await store.stats.buckets({ ...range, bucket: '1h' });
        assert.equal(hour?.count, fixture.length);
      });

      it('shows a row that got past the check once, with its latest classification', async () => {
        await store.messages.insert(fixture);
        // As two writers racing during a consumer-group rebalance could leave it.
        await sql.command(
          `INSERT INTO messages SELECT * REPLACE (classified_at + toIntervalSecond(1) AS classified_at, 'negative' AS label)
           FROM messages WHERE id = 'a1'`,
        );
        const page = await all();
        assert.deepEqual(page.map((m) => m.id), ['a5', 'a4', 'a3', 'a2', 'a1']);
        assert.equal(page.at(-1)?.label, 'negative');
      });

      it('accepts an empty batch', async () => {
        assert.deepEqual(await store.messages.insert([]), { inserted: 0, duplicates: 0 });
      });
    });

    describe('stats', () => {
      before(async () => {
        await clear();
        await store.messages.insert(fixture);
      });

      it('per second: label counts and mean score, in time order, non-empty seconds only', async () => {
        assert.deepEqual(await store.stats.buckets({ ...range, bucket: '1s' }), [
          point(0, { negative: 1, neutral: 0, positive: 2 }, 2 * score('positive') + score('negative')),
          point(1_000, { negative: 0, neutral: 1, positive: 0 }, score('neutral')),
          point(61_000, { negative: 1, neutral: 0, positive: 0 }, score('negative')),
        ]);
      });

      it('per minute and per hour', async () => {
        assert.deepEqual(await store.stats.buckets({ ...range, bucket: '1m' }), [
          point(0, { negative: 1, neutral: 1, positive: 2 }, 2 * score('positive') + score('negative') + score('neutral')),
          point(60_000, { negative: 1, neutral: 0, positive: 0 }, score('negative')),
        ]);
        const [hour, ...rest] = await store.stats.buckets({ ...range, bucket: '1h' });
        assert.equal(hour?.count, 5);
        assert.equal(rest.length, 0);
      });

      it('per stream ("*" = all) and per source', async () => {
        const acme = await store.stats.buckets({ ...range, stream: 'acme', bucket: '1m' });
        assert.deepEqual(acme, [
          point(0, { negative: 0, neutral: 0, positive: 1 }, score('positive')),
          point(60_000, { negative: 1, neutral: 0, positive: 0 }, score('negative')),
        ]);
        assert.deepEqual(await store.stats.buckets({ ...range, stream: '*', bucket: '1m' }), await store.stats.buckets({ ...range, bucket: '1m' }));
        const reddit = await store.stats.buckets({ ...range, source: 'reddit', bucket: '1m' });
        assert.deepEqual(reddit.map((p) => [p.t, p.count, p.negative]), [
          [at(0).toISOString(), 1, 1],
          [at(60_000).toISOString(), 1, 1],
        ]);
        assert.deepEqual(await store.stats.buckets({ ...range, stream: 'outage', source: 'twitter', bucket: '1m' }), []);
      });

      it('selects the seconds in [from, to)', async () => {
        const counts = async (from: number, to: number) =>
          (await store.stats.buckets({ from: at(from), to: at(to), bucket: '1s' })).map((p) => p.count);
        assert.deepEqual(await counts(500, 61_000), [3, 1]); // from counts from its second's start
        assert.deepEqual(await counts(1_000, 61_001), [1, 1]);
        assert.deepEqual(await counts(2_000, 60_000), []);
      });

      it('refuses an empty range or too many buckets', async () => {
        await assert.rejects(store.stats.buckets({ from: at(1), to: at(0), bucket: '1s' }), (e) => isPulseError(e, 'QUERY_INVALID'));
        await assert.rejects(
          store.stats.buckets({ from: at(0), to: at(86_400_000 * 30), bucket: '1s' }),
          (e) => isPulseError(e, 'QUERY_INVALID'),
        );
      });
    });

    describe('messages', () => {
      before(async () => {
        await clear();
        await store.messages.insert(fixture);
      });
      const ids = (page: { messages: ScoredMessage[] }) => page.messages.map((m) => m.id);

      it('newest first', async () => {
        assert.deepEqual(ids(await store.messages.list({ limit: 10 })), ['a5', 'a4', 'a3', 'a2', 'a1']);
      });

      it('filters by label, stream, source, text and time', async () => {
        assert.deepEqual(ids(await store.messages.list({ label: 'negative', limit: 10 })), ['a5', 'a3']);
        assert.deepEqual(ids(await store.messages.list({ stream: 'acme', limit: 10 })), ['a5', 'a1']);
        assert.deepEqual(ids(await store.messages.list({ stream: '*', limit: 10 })).length, 5);
        assert.deepEqual(ids(await store.messages.list({ source: 'reddit', limit: 10 })), ['a5', 'a3']);
        assert.deepEqual(ids(await store.messages.list({ q: 'acme STORE', limit: 10 })), ['a4']);
        assert.deepEqual(ids(await store.messages.list({ from: at(200), to: at(61_000), limit: 10 })), ['a4', 'a3', 'a2']);
        assert.deepEqual(ids(await store.messages.list({ stream: 'acme', label: 'positive', source: 'twitter', limit: 10 })), ['a1']);
      });

      it('pages with an opaque cursor, only while there may be more', async () => {
        // Same ts for two of them: the id breaks the tie, so no page repeats or skips one.
        await store.messages.insert([message('b1', 1_500, 'neutral'), message('b2', 1_500, 'neutral')]);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.messages.list({ limit: 3, ...(cursor ? { cursor } : {}) });
          seen.push(...ids(page));
          cursor = page.nextCursor;
          pages++;
        } while (cursor);
        assert.equal(pages, 3);
        assert.deepEqual(seen, ['a5', 'b2', 'b1', 'a4', 'a3', 'a2', 'a1']);
        // A page that ends exactly at the last message says so.
        assert.equal((await store.messages.list({ limit: 7 })).nextCursor, undefined);
        const filtered = await store.messages.list({ label: 'neutral', limit: 2 });
        assert.deepEqual(ids(filtered), ['b2', 'b1']);
        assert.deepEqual(ids(await store.messages.list({ label: 'neutral', limit: 2, cursor: filtered.nextCursor! })), ['a4']);
      });

      it('refuses a bad cursor or limit', async () => {
        for (const cursor of ['garbage!', Buffer.from('[1,2]').toString('base64url'), '']) {
          await assert.rejects(store.messages.list({ limit: 5, cursor }), (e) => isPulseError(e, 'QUERY_INVALID'), cursor);
        }
        await assert.rejects(store.messages.list({ limit: 0 }), (e) => isPulseError(e, 'QUERY_INVALID'));
      });
    });

    describe('dead letters', () => {
      const letter = (key: string, ms: number, stage: string) => ({
        key, stage, reason: `bad ${key}`, at: new Date(Date.UTC(2026, 10, 23, 10, 0, 0, ms)).toISOString(), payload: { text: key, n: 1 },
      });

      it('lists them newest first by stage, page by page, and collapses a redelivered letter', async () => {
        const letters = [letter('0-1', 1, 'ingest'), letter('0-2', 2, 'classifier'), letter('1-1', 3, 'ingest'), letter('1-2', 4, 'ingest')];
        await store.deadLetters.insert(letters);
        await store.deadLetters.insert(letters.slice(2)); // the bus delivered these twice
        const first = await store.deadLetters.list({ stage: 'ingest', limit: 2 });
        assert.deepEqual(first.deadLetters.map((l) => l.key), ['1-2', '1-1']);
        assert.deepEqual(first.deadLetters[0], { ...letters[3], at: letters[3]!.at });
        const second = await store.deadLetters.list({ stage: 'ingest', limit: 2, cursor: first.nextCursor! });
        assert.deepEqual(second.deadLetters.map((l) => l.key), ['0-1']);
        assert.equal(second.nextCursor, undefined);
        assert.equal((await store.deadLetters.list({ limit: 10 })).deadLetters.length, 4);
      });
    });
  });
}
