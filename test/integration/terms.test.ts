/**
 * Top terms on chdb: the SQL tokeniser (stop words, hashtags, mentions, links, case, once per
 * message), and `GET /api/terms` behind a plain HTTP server over a real store: label counts,
 * lift against the previous period, the stream and source filters, periods read from hours and
 * minutes together, the retag delta, and the refusals. Messages go in through the store's
 * insert, so the term aggregate is filled by its materialized views.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TermStat, TermsResponse } from '../../lib/contracts/api.ts';
import type { ScoredMessage } from '../../lib/message.ts';
import type { Label } from '../../lib/sentiment.ts';
import { ChdbClient } from '../../lib/store/chdb.ts';
import { openStore, type Store } from '../../lib/store/index.ts';
import { streamAggregates } from '../../lib/store/stream-aggregates.ts';
import { termsOf } from '../../lib/store/term-tokens.ts';
import { bucketSpans } from '../../lib/store/terms.ts';
import { sendError } from '../../server/respond.ts';
import { termsRoute } from '../../server/routes/terms.ts';

const minute = 60_000;
const hour = 3_600_000;
/**
 * An hour boundary 5 hours ago: the current period [H − 30 min, H + 90 min) is read from one
 * whole hour and ten-minute buckets, the previous one from an hour, ten minutes and minutes.
 */
const H = Math.floor(Date.now() / hour) * hour - 5 * hour;
const period = { from: H - 30 * minute, to: H + 90 * minute };

let n = 0;
function message(atMs: number, label: Label, text: string, streams: string[] = [], source = 'twitter'): ScoredMessage {
  const probs = { negative: 0.1, neutral: 0.1, positive: 0.1, [label]: 0.8 };
  const id = `terms-${++n}`;
  return {
    id, ts: new Date(atMs).toISOString(), receivedAt: new Date(atMs + 5).toISOString(), source, text, label, confidence: 0.8, probs,
    score: probs.positive - probs.negative, model: 'test-model', streams, classifiedAt: new Date(atMs + 20).toISOString(),
  };
}

const fixture = [
  // The current period: 4 messages, one in each of its pieces (minutes before H, the hour, the minutes after).
  message(H - 20 * minute, 'negative', 'Flight DELAYED again!!! #fail @United http://t.co/x1Yz', ['airline']),
  message(H + 10 * minute, 'negative', 'delayed delayed DELAYED, the worst #Fail', ['airline'], 'Reddit'),
  message(H + 70 * minute, 'positive', 'Delayed but the crew was lovely #travel'),
  message(H + 80 * minute, 'neutral', 'Boarding now @united', ['airline']),
  // The previous period [H − 150 min, H − 30 min): 4 messages, one without any term.
  message(H - 140 * minute, 'neutral', 'Delayed a bit'),
  message(H - 90 * minute, 'positive', 'lovely crew', ['airline']),
  message(H - 45 * minute, 'neutral', 'boarding soon', [], 'reddit'),
  message(H - 35 * minute, 'neutral', 'nothing here'),
  // Outside both.
  message(H + 100 * minute, 'negative', 'delayed'),
  message(H - 160 * minute, 'negative', 'delayed'),
];

describe('top terms on chdb', () => {
  let dataDir: string;
  let store: Store;
  let sql: ChdbClient;
  let server: http.Server;
  let base: string;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-terms-'));
    store = await openStore({ kind: 'chdb', dataDir, retentionDays: 30 });
    sql = ChdbClient.open(dataDir);
    await store.messages.insert(fixture);
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      termsRoute(store.terms, url.searchParams, res).catch((err: unknown) => sendError(res, err));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await sql?.close();
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  });

  const get = async (query: Record<string, string | number>) => {
    const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    const res = await fetch(`${base}/api/terms?${params}`);
    return { status: res.status, body: (await res.json()) as TermsResponse & { error?: { code: string; message: string } } };
  };
  const top = async (query: Record<string, string | number> = {}) => {
    const { status, body } = await get({ from: new Date(period.from).toISOString(), to: new Date(period.to).toISOString(), ...query });
    assert.equal(status, 200, JSON.stringify(body));
    return body;
  };
  const byTerm = (body: TermsResponse) => new Map(body.terms.map((t) => [t.term, t]));
  /** ((count + 0.5) / (messages + 1)) / ((before + 0.5) / (previousMessages + 1)). */
  const lift = (count: number, messages: number, before: number, previous: number) => (count + 0.5) / (messages + 1) / ((before + 0.5) / (previous + 1));

  describe('tokeniser', () => {
    const tokens = async (text: string) => (await sql.query<{ t: string[] }>(`SELECT ${termsOf('{text:String}')} AS t`, { text }))[0]!.t;

    it('lower-cases, keeps words of 3+ characters and drops stop words and tweet noise', async () => {
      assert.deepEqual(await tokens('RT The Flight was SO late, and it is not OK amp; lol'), ['flight', 'late']);
      assert.deepEqual(await tokens("Don't you love it? It's über-café time"), ['love', 'über', 'café']);
    });

    it('takes hashtags and mentions with their sign, which must come first (an address holds no mention)', async () => {
      assert.deepEqual(await tokens('@United #Fail #fail2 #1 #a @x_y mail me at bob@example.org'), ['@united', '#fail', '#fail2', '@x_y', 'mail', 'org']);
    });

    it('splits words at punctuation, symbols and emoji, and keeps letters beyond ASCII', async () => {
      assert.deepEqual(await tokens('love😍😍 “quoted” über… Ça—marche #日本語 Пора'), ['love', 'quoted', 'über', 'marche', '#日本語', 'пора']);
    });

    it('drops links whole', async () => {
      assert.deepEqual(await tokens('news https://t.co/AbCdEf and http://example.com/x?y=1 or www.pulse.io/page now'), ['news']);
    });

    it('counts a term once per message', async () => {
      assert.deepEqual(await tokens('delay Delay DELAY #delay #DELAY'), ['delay', '#delay']);
    });
  });

  it('reads a period from the fewest buckets: whole hours, then ten minutes, then minutes', () => {
    const m = (k: number) => H + k * minute;
    assert.deepEqual(bucketSpans([m(-37), m(83)]), {
      hour: [[m(0), m(60)]], ten_minutes: [[m(-30), m(0)], [m(60), m(80)]], minute: [[m(-37), m(-30)], [m(80), m(83)]],
    });
    assert.deepEqual(bucketSpans([m(12), m(48)]), { hour: [], ten_minutes: [[m(20), m(40)]], minute: [[m(12), m(20)], [m(40), m(48)]] });
    assert.deepEqual(bucketSpans([m(12), m(18)]), { hour: [], ten_minutes: [], minute: [[m(12), m(18)]] });
    assert.deepEqual(bucketSpans([m(0), m(120)]), { hour: [[m(0), m(120)]], ten_minutes: [], minute: [] });
  });

  it('counts the messages holding each term by label, with its lift against the previous period', async () => {
    const body = await top();
    assert.equal(body.from, new Date(period.from).toISOString());
    assert.equal(body.to, new Date(period.to).toISOString());
    assert.equal(body.previousFrom, new Date(H - 150 * minute).toISOString());
    assert.deepEqual([body.messages, body.previousMessages], [4, 4]);
    const terms = byTerm(body);
    const expect = (term: string, stat: Omit<TermStat, 'term' | 'lift'>, before: number) =>
      assert.deepEqual(terms.get(term), { term, ...stat, lift: lift(stat.count, 4, before, 4) }, term);
    expect('delayed', { kind: 'term', count: 3, negative: 2, neutral: 0, positive: 1 }, 1);
    expect('#fail', { kind: 'hashtag', count: 2, negative: 2, neutral: 0, positive: 0 }, 0);
    expect('@united', { kind: 'mention', count: 2, negative: 1, neutral: 1, positive: 0 }, 0);
    expect('lovely', { kind: 'term', count: 1, negative: 0, neutral: 0, positive: 1 }, 1);
    expect('boarding', { kind: 'term', count: 1, negative: 0, neutral: 1, positive: 0 }, 1);
    expect('#travel', { kind: 'hashtag', count: 1, negative: 0, neutral: 0, positive: 1 }, 0);
    // A term new in this period has a large, finite lift.
    assert.ok(terms.get('#fail')!.lift! >= 5 && Number.isFinite(terms.get('#fail')!.lift));
    assert.equal(terms.get('lovely')!.lift, 1);
    for (const gone of ['again', 'the', 'now', 'but', 'was', 'http', 'soon', 'bit']) assert.ok(!terms.has(gone), gone);
    // Ordered by count, ties by term.
    assert.deepEqual(body.terms.slice(0, 3).map((t) => t.term), ['delayed', '#fail', '@united']);
  });

  it('counts whole minutes: a period that does not start or end on one covers the minutes it touches', async () => {
    const body = await top({ from: new Date(period.from + 10_000).toISOString(), to: new Date(period.to - 10_000).toISOString() });
    assert.equal(body.from, new Date(period.from).toISOString());
    assert.equal(body.to, new Date(period.to).toISOString());
    assert.equal(byTerm(body).get('delayed')!.count, 3);
  });

  it('limits each kind apart and filters by kind', async () => {
    assert.deepEqual((await top({ limit: 1 })).terms.map((t) => t.term), ['delayed', '#fail', '@united']);
    assert.deepEqual((await top({ kind: 'hashtag' })).terms.map((t) => [t.term, t.count]), [['#fail', 2], ['#travel', 1]]);
  });

  it('filters by stream, and by source whatever its case', async () => {
    const airline = await top({ stream: 'airline' });
    assert.deepEqual([airline.messages, airline.previousMessages], [3, 1]);
    const delayed = byTerm(airline).get('delayed')!;
    assert.deepEqual([delayed.count, delayed.negative, delayed.lift], [2, 2, lift(2, 3, 0, 1)]);
    assert.ok(!byTerm(airline).has('#travel'));

    const reddit = await top({ source: 'REDDIT' });
    assert.deepEqual([reddit.messages, reddit.previousMessages], [1, 1]);
    assert.deepEqual(reddit.terms.map((t) => [t.term, t.count, t.negative]), [['#fail', 1, 1], ['delayed', 1, 1], ['worst', 1, 1]]);
  });

  it('gives no lift when the previous period holds no message', async () => {
    const body = await top({ from: new Date(H + 60 * minute).toISOString(), to: new Date(H + 90 * minute).toISOString() });
    assert.deepEqual([body.messages, body.previousMessages], [2, 0]);
    assert.ok(body.terms.length > 0 && body.terms.every((t) => t.lift === null));
  });

  it('follows a stream given to stored messages later (the retag delta), in minutes and hours', async () => {
    const where = "positionCaseInsensitiveUTF8(text, 'lovely') > 0";
    for (const aggregate of streamAggregates) await sql.command(aggregate.deltaSql(where), { stream: 'lovers', sign: 1 });
    const lovers = await top({ stream: 'lovers' });
    assert.deepEqual([lovers.messages, lovers.previousMessages], [1, 1]);
    assert.deepEqual(byTerm(lovers).get('lovely'), { term: 'lovely', kind: 'term', count: 1, negative: 0, neutral: 0, positive: 1, lift: 1 });
    for (const aggregate of streamAggregates) await sql.command(aggregate.deltaSql(where), { stream: 'lovers', sign: -1 });
    const gone = await top({ stream: 'lovers' });
    assert.deepEqual([gone.messages, gone.previousMessages, gone.terms], [0, 0, []]);
  });

  it('writes the counts its buffer holds into the table when the store closes', async () => {
    await store.messages.insert([message(H + 5 * minute, 'positive', 'Zanzibar at last')]);
    await store.close();
    const counted = await sql.query<{ n: number }>("SELECT sum(positive) AS n FROM term_counts WHERE grain = 'minute' AND stream = '*' AND term = 'zanzibar'");
    assert.deepEqual(counted, [{ n: 1 }]);
    store = await openStore({ kind: 'chdb', dataDir, retentionDays: 30 });
  });

  it('refuses what does not parse', async () => {
    const refused: Array<Record<string, string | number>> = [{ limit: 0 }, { limit: 101 }, { kind: 'word' }, { from: 'yesterday' }, { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, { from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }];
    for (const query of refused) {
      const { status, body } = await get(query);
      assert.equal(status, 400, JSON.stringify(query));
      assert.equal(body.error?.code, 'QUERY_INVALID');
    }
  });
});
