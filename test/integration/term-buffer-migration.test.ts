/**
 * Migration 16 on chdb: a store whose term counts went through migration 7's buffer moves to the
 * buffer that only the background flushes, losing none of the counts the old buffer held and
 * counting new messages once; and that background flush runs on its own, with no insert or
 * OPTIMIZE to set it off.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ScoredMessage } from '../../lib/message.ts';
import { ChdbClient } from '../../lib/store/chdb.ts';
import { LabelRepository } from '../../lib/store/labels.ts';
import { MessageRepository } from '../../lib/store/messages.ts';
import { migrate, migrations } from '../../lib/store/migrations.ts';
import { TermCountsBuffer, TermCountsView } from '../../lib/store/term-tokens.ts';
import { TermsRepository } from '../../lib/store/terms.ts';

function message(id: string, text: string): ScoredMessage {
  const at = new Date().toISOString();
  const probs = { negative: 0.1, neutral: 0.1, positive: 0.8 };
  return { id, ts: at, receivedAt: at, classifiedAt: at, source: 'twitter', text, label: 'positive', confidence: 0.8, probs, score: 0.7, model: 'test-model', streams: [] };
}

describe('migration 16: term counts flushed in the background', () => {
  let dataDir: string;
  let sql: ChdbClient;
  let messages: MessageRepository;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-term-buffer-'));
    sql = ChdbClient.open(dataDir);
    messages = new MessageRepository(sql, new LabelRepository(sql));
  });

  after(async () => {
    await messages?.settled();
    await sql?.close();
    fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  });

  /** Messages counted under `term` in the minute grain of all streams, in the table itself (not through a buffer). */
  const inTable = async (term: string) =>
    (await sql.query<{ n: number }>("SELECT sum(positive) AS n FROM term_counts WHERE grain = 'minute' AND stream = '*' AND term = {term:String}", { term }))[0]?.n;
  const tables = async () =>
    (await sql.query<{ name: string }>("SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'term_counts%' ORDER BY name")).map((r) => r.name);

  it('writes what the old buffer held into the table, and counts new messages once through the new one', async () => {
    await migrate(sql, 30, migrations.filter((m) => m.version < 16));
    await messages.insert([message('before-1', 'Zanzibar at last'), message('before-2', 'zanzibar again')]);
    assert.equal(await inTable('zanzibar'), 0, 'the old buffer still holds the counts (flushed every 10 s)');

    assert.deepEqual((await migrate(sql, 30)).applied, [16]);
    assert.equal(await inTable('zanzibar'), 2);
    assert.deepEqual(await tables(), ['term_counts', TermCountsBuffer, TermCountsView].sort());

    await messages.insert([message('after-1', 'Zanzibar, third time')]);
    await new TermsRepository(sql).flush();
    assert.equal(await inTable('zanzibar'), 3);
  });

  it('writes the new buffer into the table in the background within seconds', async () => {
    await messages.insert([message('later-1', 'Timbuktu calling')]);
    // flush_time is 2 s and the engine checks it once a second; the 30-s limit would be far later.
    const deadline = Date.now() + 10_000;
    while ((await inTable('timbuktu')) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(await inTable('timbuktu'), 1);
  });
});
