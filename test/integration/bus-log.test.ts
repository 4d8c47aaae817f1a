/**
 * The in-process bus over its durable log (lib/bus/durable-log.ts), on real LMDB files in a
 * temporary folder: what survives a restart and a SIGKILL, retention, and the faults it must
 * survive (a damaged file, a write that fails). The delivery contract itself runs on this
 * transport in bus.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { RawInRecord, RawOutRecord } from '../../lib/bus/bus.ts';
import { MemoryTransport, type MemoryTransportOptions } from '../../lib/bus/memory.ts';
import { Topics, type Topic } from '../../lib/bus/topics.ts';
import { isPulseError } from '../../lib/errors.ts';
import { log } from '../../lib/log.ts';
import { repoRoot } from '../../lib/paths.ts';
import { waitFor } from '../support/wait.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bus-log-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => path.join(root, `case-${++dirs}`, 'bus');

const open = (dir: string, options: Omit<MemoryTransportOptions, 'durable'> = {}) =>
  new MemoryTransport({ partitions: 4, ...options, durable: { dir, minFreeBytes: 0 } });

const records = (n: number, prefix: string, bytes = 10): RawOutRecord[] =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${i}`, value: `${prefix}-${i}:`.padEnd(bytes, '.') }));

/** Every record `group` gets from now on (it commits each batch). */
async function drain(transport: MemoryTransport, group: string, topic: Topic = Topics.raw, start?: 'latest') {
  const got: RawInRecord[] = [];
  const sub = await transport.consume({ group, topic, maxBatch: 100, maxWaitMs: 0, start, handler: async (batch) => void got.push(...batch) });
  return { got, sub };
}

const keysOf = (got: RawInRecord[]) => got.map((r) => r.key!).sort();

// One test at a time: some watch the process's one logger.
describe('in-process bus: durable log', () => {
  it('redelivers after a restart what was not committed, and nothing that was; offsets go on', async () => {
    const dir = freshDir();
    let t = open(dir);
    await t.start();
    await t.publish(Topics.raw, records(100, 'a'));
    // The classifier-like group commits only its first batch of each partition it is given.
    const committed: RawInRecord[] = [];
    const seen = new Set<number>();
    const sub = await t.consume({
      group: 'durable', topic: Topics.raw, maxBatch: 10, maxWaitMs: 0,
      handler: async (batch) => {
        if (seen.has(batch[0]!.partition)) return new Promise(() => {}); // still working when the process goes
        seen.add(batch[0]!.partition);
        committed.push(...batch);
      },
    });
    const live = await drain(t, 'live-hub', Topics.raw, 'latest');
    await waitFor(() => seen.size === 4, 5_000);
    await t.publish(Topics.raw, records(5, 'b'));
    await waitFor(() => live.got.length === 5, 5_000);
    await sub.stop();
    await t.close();

    t = open(dir);
    await t.start();
    // The live hub's group began at `latest`: not restored, so it is a new group at the oldest record.
    const all = 105 - committed.length;
    assert.equal(await t.lag('live-hub', Topics.raw), all);
    assert.equal(await t.lag('durable', Topics.raw), all);
    assert.equal(t.logStatus()!.records, all, 'what the durable group committed is gone from the log');
    const again = await drain(t, 'durable');
    await waitFor(() => again.got.length >= all, 5_000);
    const expected = [...records(100, 'a'), ...records(5, 'b')].map((r) => r.key).filter((k) => !committed.some((c) => c.key === k));
    assert.deepEqual(keysOf(again.got), expected.sort());
    const lastOffsets = new Map<number, number>();
    for (const r of again.got) lastOffsets.set(r.partition, Math.max(lastOffsets.get(r.partition) ?? -1, Number(r.offset)));
    const more = await drain(t, 'after');
    await t.publish(Topics.raw, records(20, 'c'));
    await waitFor(() => again.got.length >= all + 20, 5_000);
    for (const r of again.got.slice(all)) assert.ok(Number(r.offset) > lastOffsets.get(r.partition)!, `offset ${r.offset} continues partition ${r.partition}`);
    await more.sub.stop();
    await again.sub.stop();
    await t.close();
  });

  it('keeps the offset order of concurrent publishes', async () => {
    const t = open(freshDir(), {});
    await t.start();
    // One key: one partition; 200 publishes in flight together.
    await Promise.all(Array.from({ length: 200 }, (_, i) => t.publish(Topics.raw, [{ key: 'same', value: String(i) }])));
    const { got, sub } = await drain(t, 'order');
    await waitFor(() => got.length === 200, 5_000);
    assert.deepEqual(got.map((r) => Number(r.value)), Array.from({ length: 200 }, (_, i) => i));
    assert.deepEqual(got.map((r) => Number(r.offset)), Array.from({ length: 200 }, (_, i) => i));
    await sub.stop();
    await t.close();
  });

  it('has on disk every record whose publish resolved, when the process is killed (SIGKILL)', { timeout: 30_000 }, async () => {
    const dir = freshDir();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/support/bus-log-child.ts'), dir, 'publish'], {
      cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let acked = 0;
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) acked = Math.max(acked, (JSON.parse(line) as { acked: number }).acked);
    });
    await waitFor(() => acked >= 300, 20_000, 5);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const t = open(dir);
    await t.start();
    const { got, sub } = await drain(t, 'check');
    await waitFor(() => got.length >= acked, 5_000);
    const stored = new Set(got.map((r) => r.key));
    for (let i = 0; i < acked; i++) assert.ok(stored.has(`c-${i}`), `acked record c-${i} is in the log`);
    await sub.stop();
    await t.close();
  });

  it('keeps only the topics it is given: the others are read live, from latest, and start empty after a restart', async () => {
    const dir = freshDir();
    const keepOnly = (topics: Topic[]) => new MemoryTransport({ partitions: 4, durable: { dir, minFreeBytes: 0, topics } });
    // A log that kept both topics, as before the choice was made.
    let t = open(dir);
    await t.start();
    await t.publish(Topics.scored, records(20, 'old'));
    await t.close();

    t = keepOnly([Topics.raw]);
    await t.start();
    assert.equal(t.logStatus()!.records, 0, 'the records of a topic it does not keep are dropped from the log');
    await assert.rejects(
      t.consume({ group: 'resumer', topic: Topics.scored, maxBatch: 10, maxWaitMs: 0, handler: async () => {} }),
      (err) => isPulseError(err, 'BUS_OPTIONS_INVALID') && /only read it from 'latest'/.test(err.message),
    );
    const live = await drain(t, 'live-hub', Topics.scored, 'latest');
    await t.publish(Topics.scored, records(30, 's'));
    await t.publish(Topics.raw, records(10, 'r'));
    await waitFor(() => live.got.length === 30, 5_000);
    assert.equal(t.logStatus()!.records, 10, 'only the raw records went to the log');
    await live.sub.stop();
    await t.close();

    t = keepOnly([Topics.raw]);
    await t.start();
    assert.equal(await t.lag('anyone', Topics.raw), 10, 'the kept topic is delivered again');
    assert.equal(await t.lag('anyone', Topics.scored), 0, 'the other starts empty');
    await t.close();
  });

  it('drops the oldest records past the size limit, warning about the idle group that loses them', async (ctx) => {
    const warn = ctx.mock.method(log, 'warn');
    const dir = freshDir();
    const t = open(dir, { retentionBytes: 2_000 });
    await t.start();
    // An idle durable group: it joined once and left without committing.
    await (await t.consume({ group: 'idle', topic: Topics.alerts, maxBatch: 1, maxWaitMs: 0, handler: () => new Promise(() => {}) })).stop();
    for (let i = 0; i < 10; i++) await t.publish(Topics.alerts, records(10, `s${i}`, 100));
    const status = t.logStatus()!;
    assert.ok(status.heldBytes <= 2_000, `held ${status.heldBytes} bytes`);
    assert.equal(status.records, 19, 'as many of the newest as fit: 19 of 104 bytes');
    assert.ok(warn.mock.calls.some((c) => c.arguments[1] === 'bus retention dropped records an idle group had not committed'), 'a warning names the idle group');
    // The newest ones stay.
    const { got, sub } = await drain(t, 'idle', Topics.alerts);
    await waitFor(() => got.length === status.records, 5_000);
    assert.deepEqual(keysOf(got), [...records(10, 's8').slice(1), ...records(10, 's9')].map((r) => r.key).sort(), 'the oldest went first');
    await sub.stop();
    await t.close();
    // And they are gone from disk.
    const reopened = open(dir, { retentionBytes: 2_000 });
    await reopened.start();
    assert.equal(reopened.logStatus()!.records, 0, 'the group has committed them all since');
    await reopened.close();
  });

  it('keeps what a live group has not committed, beyond the size limit', async () => {
    const t = open(freshDir(), { retentionBytes: 500 });
    await t.start();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const got: RawInRecord[] = [];
    const sub = await t.consume({ group: 'slow', topic: Topics.dlq, maxBatch: 1000, maxWaitMs: 0, handler: async (b) => void got.push(...(await held.then(() => b))) });
    await t.publish(Topics.dlq, records(50, 'k', 100));
    assert.equal(await t.lag('slow', Topics.dlq), 50);
    release();
    await waitFor(() => got.length === 50, 5_000);
    await sub.stop();
    await t.close();
  });

  it('drops records older than the age limit, even on a topic nobody publishes to any more', async (ctx) => {
    const warn = ctx.mock.method(log, 'warn');
    const t = open(freshDir(), { retentionMs: 200 });
    await t.start();
    await t.publish(Topics.scored, records(30, 'old'));
    assert.equal(await t.lag('nobody-yet', Topics.scored), 30);
    await waitFor(async () => (await t.lag('nobody-yet', Topics.scored)) === 0, 5_000);
    assert.equal(t.logStatus()!.records, 0);
    // No group existed: nobody to warn about.
    assert.ok(!warn.mock.calls.some((c) => c.arguments[1] === 'bus retention dropped records an idle group had not committed'));
    await t.close();
  });

  it('sets a damaged log aside and starts a fresh one', async (ctx) => {
    const error = ctx.mock.method(log, 'error');
    const dir = freshDir();
    const t = open(dir);
    await t.start();
    await t.publish(Topics.raw, records(50, 'lost'));
    await t.close();
    // Garbage over the whole file: LMDB would crash the process reading it.
    const file = path.join(dir, 'data.mdb');
    fs.writeFileSync(file, crypto.randomBytes(fs.statSync(file).size));

    const fresh = open(dir);
    await fresh.start();
    const aside = fs.readdirSync(path.dirname(dir)).filter((name) => name.startsWith('bus.corrupt-'));
    assert.equal(aside.length, 1, 'the damaged log was renamed aside');
    assert.ok(fs.existsSync(path.join(path.dirname(dir), aside[0]!, 'data.mdb')));
    const line = error.mock.calls.find((c) => String(c.arguments[1]).startsWith('bus log is damaged'));
    assert.ok(line, 'an error line says so');
    assert.equal((line.arguments[0] as { setAside: string }).setAside, path.join(path.dirname(dir), aside[0]!));
    assert.equal(fresh.logStatus()!.records, 0);
    await fresh.publish(Topics.raw, records(5, 'new'));
    assert.equal(await fresh.lag('any', Topics.raw), 5);
    await fresh.close();
  });

  it('refuses to start with BUS_LOG_UNAVAILABLE where the log cannot be created, and tries again on the next call', async () => {
    const parent = path.join(root, 'not-a-folder');
    fs.writeFileSync(parent, 'a file where the data dir should be');
    const t = open(path.join(parent, 'bus'));
    await assert.rejects(t.start(), (err) => isPulseError(err, 'BUS_LOG_UNAVAILABLE'));
    await assert.rejects(t.publish(Topics.raw, records(1, 'x')), (err) => isPulseError(err, 'BUS_LOG_UNAVAILABLE'));
    fs.rmSync(parent);
    await t.publish(Topics.raw, records(1, 'x'));
    assert.equal(await t.lag('any', Topics.raw), 1);
    await t.close();
  });

  it('rejects a publish it cannot write with BUS_LOG_UNAVAILABLE, stays up, and writes the next one', { timeout: 30_000 }, async () => {
    const dir = freshDir();
    fs.mkdirSync(dir, { recursive: true });
    // The process may write files of at most 2 MiB: the 8-MiB record cannot be written (EFBIG).
    const script = path.join(repoRoot, 'test/support/bus-log-child.ts');
    const child = spawn('bash', ['-c', `ulimit -f 2048 && exec "${process.execPath}" --import tsx "${script}" "${dir}" faults`], {
      cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.resume();
    const code = await new Promise((resolve) => child.once('exit', resolve));
    const events = out.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(code, 0, `the process stayed up: ${out}`);
    assert.deepEqual(events[0], { name: 'small', ok: true, failing: null });
    assert.equal(events[1]!.name, 'huge');
    assert.equal(events[1]!.ok, false);
    assert.equal(events[1]!.code, 'BUS_LOG_UNAVAILABLE');
    // The kernel's answer (EFBIG, or EIO for a write cut short), for health and the logs.
    assert.match(String(events[1]!.failing), /\((EFBIG|EIO)\)$/);
    assert.deepEqual(events[2], { name: 'again', ok: true, failing: null });
    assert.deepEqual(events[3], { lag: 2 }, 'the refused record was not kept');
  });
});
