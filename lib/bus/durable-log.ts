/**
 * The durable log under the in-process bus (memory.ts): every record of every topic, each
 * durable group's committed offsets, and each partition's oldest retained offset, in one LMDB
 * environment (lmdb-js) in its own folder of the data dir. The transport keeps its in-memory
 * view and its delivery semantics; this module only makes them survive the process.
 *
 * Writes are group-committed: whatever is queued while one transaction is being written and
 * synced goes into the next one, so a burst of publishes costs one fsync, not one per message.
 * One transaction at a time, with offsets assigned when it starts: a transaction that fails
 * leaves no gap, since nothing after it was numbered yet.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { PulseError } from '../errors.ts';
import { log } from '../log.ts';

export interface DurableLogOptions {
  /** The folder of the LMDB environment (created if missing); nothing else lives there. */
  dir: string;
}

/** A record as the log keeps it: where it sits and what it holds. */
export interface LoggedRecord {
  key: string;
  value: string;
  /** Publish time (ms). */
  at: number;
}

/** One record to append: the transport picks the partition, the log the offset. */
export interface AppendRow extends LoggedRecord {
  partition: number;
}

export interface LoadedPartition {
  topic: string;
  partition: number;
  /** Offset of `records[0]` (or, with none left, of the next record). */
  base: number;
  records: LoggedRecord[];
}

export interface LoadedOffset {
  group: string;
  topic: string;
  partition: number;
  /** The first offset the group has not committed. */
  offset: number;
}

export interface LoadedLog {
  partitions: LoadedPartition[];
  offsets: LoadedOffset[];
}

/**
 * lmdb-js settings, the same in the process and in the verifier. `overlappingSync: false`: a
 * commit resolves only after LMDB's own fsync, so a resolved write is on disk. Batching by
 * event turn is off because a transaction it started itself leaves an orphan promise behind
 * when its commit fails (an unhandled rejection, which ends the process); every write here
 * goes through `batch` instead, which holds exactly one group commit. No `mapSize`: lmdb-js
 * starts the map small and grows it whenever a transaction needs pages past its end (its
 * patched mdb.c), so the retention limits, not the map, bound the log.
 */
const lmdbOptions = { eventTurnBatching: false, overlappingSync: false, maxDbs: 8 } as const;
const dbNames = ['records', 'offsets', 'floors', 'meta'] as const;

/** LMDB's own codes for a damaged file (lmdb.h); errno values and the rest are not damage. */
const damageCodes = new Set([
  -30797, // MDB_PAGE_NOTFOUND
  -30796, // MDB_CORRUPTED
  -30795, // MDB_PANIC
  -30794, // MDB_VERSION_MISMATCH
  -30793, // MDB_INVALID: not an LMDB file
  -30782, // MDB_BAD_TXN: seen when a page in the middle holds garbage
]);

/** Pause before pending offsets and floors are written again after a failed write, when no publish tries sooner. */
const retryMs = 1_000;
/** How long the verifier may take before the log is opened without its verdict. */
const verifyTimeoutMs = 120_000;

/**
 * Opens the environment in a child process, reads every entry and writes one small key. A
 * damaged LMDB file does not always fail cleanly: garbage over its meta pages makes the reader
 * crash the process (SIGSEGV, SIGBUS), and a process that crashes at start crash-loops under
 * its supervisor. The child crashes instead, and the parent sets the file aside.
 */
const verifierSource = `
const [lmdbPath, dir, options, names] = process.argv.slice(1);
const { open } = require(lmdbPath);
(async () => {
  const env = open({ path: dir, ...JSON.parse(options) });
  for (const name of JSON.parse(names)) for (const _ of env.openDB(name).getRange({}));
  await env.openDB('meta').put('verifiedAt', Date.now());
  await env.close();
})().catch(async (err) => {
  const cause = err && err.commitError ? await err.commitError.then(() => err, (e) => e) : err;
  process.stdout.write(JSON.stringify({ code: cause && cause.code, message: String((cause && cause.message) || cause) }));
  process.exit(3);
});
`;

type Verdict = { ok: true } | { ok: false; damaged: boolean; reason: string };

async function verify(dir: string): Promise<Verdict> {
  const lmdbPath = createRequire(import.meta.url).resolve('lmdb');
  const args = ['-e', verifierSource, lmdbPath, dir, JSON.stringify(lmdbOptions), JSON.stringify(dbNames)];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: verifyTimeoutMs, maxBuffer: 1 << 20 }, (err, stdout) => {
      if (!err) return resolve({ ok: true });
      const { code, signal, killed } = err as Error & { code?: number | string; signal?: NodeJS.Signals | null; killed?: boolean };
      if (killed) return resolve({ ok: false, damaged: false, reason: `not verified within ${verifyTimeoutMs} ms` });
      if (signal) return resolve({ ok: false, damaged: true, reason: `reading it crashed the verifier (${signal})` });
      if (code !== 3) return resolve({ ok: false, damaged: false, reason: `verifier exited with ${code}: ${err.message}` });
      let found: { code?: unknown; message?: string } = {};
      try {
        found = JSON.parse(stdout) as typeof found;
      } catch {
        // an empty or cut answer: the message below says so
      }
      const reason = found.message ?? 'no reason given';
      // An operating-system error (no space, no permission) says nothing about the file; a
      // decode error or an LMDB damage code does.
      const systemError = (typeof found.code === 'number' && found.code > 0) || (typeof found.code === 'string' && /^E[A-Z]+$/.test(found.code));
      const damaged = !systemError && (typeof found.code !== 'number' || damageCodes.has(found.code));
      resolve({ ok: false, damaged, reason });
    });
  });
}

/** `EFBIG`, `ENOSPC`, … for an errno number, when the platform knows it. */
function errnoName(code: unknown): string | undefined {
  if (typeof code === 'string') return code;
  if (typeof code !== 'number' || code <= 0) return undefined;
  return Object.entries(os.constants.errno).find(([, n]) => n === code)?.[0];
}

/** The real cause of a failed lmdb-js write: the thrown error only points at `commitError`, a promise. */
async function causeOf(err: unknown): Promise<Error> {
  const commitError = (err as { commitError?: Promise<unknown> } | undefined)?.commitError;
  const cause = commitError ? await commitError.then(() => err, (e: unknown) => e) : err;
  return cause instanceof Error ? cause : new Error(String(cause));
}

interface AppendJob {
  topic: string;
  rows: AppendRow[];
  resolve(offsets: number[]): void;
  reject(err: Error): void;
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class DurableLog {
  private readonly records: Database<[string, string, number], [string, number, number]>;
  private readonly offsets: Database<number, [string, string, number]>;
  /** Per partition, the oldest offset that may still be stored: everything below is gone. */
  private readonly floors: Database<number, [string, number]>;
  /** Per partition, the offset the next appended record gets. */
  private readonly ends = new Map<string, number>();
  /** Per partition, the floor as written (records from there on may exist). */
  private readonly writtenFloors = new Map<string, number>();
  private queue: AppendJob[] = [];
  /** Latest commit per (group, topic, partition) and latest floor per partition, not written yet. */
  private pendingOffsets = new Map<string, { group: string; topic: string; partition: number; offset: number }>();
  private pendingFloors = new Map<string, { topic: string; partition: number; floor: number }>();
  private flushing: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failure: string | null = null;
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly env: RootDatabase,
  ) {
    this.records = env.openDB({ name: 'records' });
    this.offsets = env.openDB({ name: 'offsets' });
    this.floors = env.openDB({ name: 'floors' });
  }

  /**
   * Opens the log in `options.dir`. A log that is damaged is renamed aside (`<dir>.corrupt-<time>`)
   * with an error line naming it, and a fresh one starts; one that cannot be opened for another
   * reason (permissions, disk) fails with BUS_LOG_UNAVAILABLE.
   */
  static async open(options: DurableLogOptions): Promise<DurableLog> {
    const dir = path.resolve(options.dir);
    if (fs.existsSync(path.join(dir, 'data.mdb'))) {
      const verdict = await verify(dir);
      if (!verdict.ok && verdict.damaged) {
        const aside = `${dir}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        try {
          fs.renameSync(dir, aside);
        } catch (err) {
          throw unavailable(`the bus log in ${dir} is damaged (${verdict.reason}) and cannot be set aside`, err);
        }
        log.error({ dir, setAside: aside, reason: verdict.reason }, 'bus log is damaged: set aside, starting a fresh one (its records are not replayed)');
      } else if (!verdict.ok) {
        // Not damage: say so and let the open below succeed or fail on its own.
        log.warn({ dir, reason: verdict.reason }, 'bus log could not be verified before opening');
      }
    }
    try {
      return new DurableLog(dir, open({ path: dir, ...lmdbOptions }));
    } catch (err) {
      throw unavailable(`cannot open the bus log in ${dir}`, err);
    }
  }

  /**
   * Everything retained, partition by partition in offset order, and every persisted commit;
   * call once, before the first append. Records after a gap in a partition's offsets (which
   * LMDB's atomic transactions should make impossible) are kept and the ones before dropped,
   * with a warning: offsets stay contiguous for the transport.
   */
  load(): LoadedLog {
    const byPartition = new Map<string, LoadedPartition>();
    for (const { key: [topic, partition], value: floor } of this.floors.getRange({})) {
      byPartition.set(partitionKey(topic, partition), { topic, partition, base: floor, records: [] });
    }
    for (const { key: [topic, partition, offset], value: [key, value, at] } of this.records.getRange({})) {
      const id = partitionKey(topic, partition);
      let p = byPartition.get(id);
      if (!p) byPartition.set(id, (p = { topic, partition, base: offset, records: [] }));
      if (!p.records.length) p.base = offset;
      else if (offset !== p.base + p.records.length) {
        log.warn({ topic, partition, expected: p.base + p.records.length, found: offset }, 'bus log has a gap in its offsets; delivery resumes after it');
        p.base = offset;
        p.records = [];
      }
      p.records.push({ key, value, at });
    }
    for (const [id, p] of byPartition) {
      this.ends.set(id, p.base + p.records.length);
      this.writtenFloors.set(id, p.base);
    }
    const offsets = [...this.offsets.getRange({})].map(({ key: [group, topic, partition], value: offset }) => ({ group, topic, partition, offset }));
    return { partitions: [...byPartition.values()], offsets };
  }

  /**
   * Appends `rows` to the ends of their partitions; resolves once they are on disk, with each
   * row's offset. Appends resolve in the order they were made, and their offsets follow that
   * order. Rejects with BUS_LOG_UNAVAILABLE when the write fails (nothing of it is kept).
   */
  append(topic: string, rows: AppendRow[]): Promise<number[]> {
    if (this.closed) return Promise.reject(new PulseError('BUS_CLOSED', 'the bus log is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, rows, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Records that `group` committed `topic`/`partition` up to `offset`. Not awaited: a commit
   * lost with the process only means its records are delivered again, and the messages
   * repository drops ids it already stored.
   */
  commit(group: string, topic: string, partition: number, offset: number): void {
    if (this.closed) return;
    this.pendingOffsets.set(`${group}\u0000${partitionKey(topic, partition)}`, { group, topic, partition, offset });
    this.schedule();
  }

  /** Deletes the records of `topic`/`partition` below `floor` (committed by every group, or past retention). Not awaited. */
  truncate(topic: string, partition: number, floor: number): void {
    if (this.closed) return;
    const id = partitionKey(topic, partition);
    if (floor <= (this.pendingFloors.get(id)?.floor ?? this.writtenFloors.get(id) ?? 0)) return;
    this.pendingFloors.set(id, { topic, partition, floor });
    this.schedule();
  }

  /** Size of the data file: LMDB reuses freed pages but never shrinks the file. */
  fileBytes(): number {
    try {
      return fs.statSync(path.join(this.dir, 'data.mdb')).size;
    } catch {
      return 0;
    }
  }

  /** Why the latest write failed; null once one succeeds again. */
  get failing(): string | null {
    return this.failure;
  }

  /** Writes what is queued (a failure is logged, not thrown), then closes the environment. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    while (this.flushing) await this.flushing;
    if (this.hasWork()) await this.flush();
    await this.env.close();
  }

  private hasWork(): boolean {
    return this.queue.length > 0 || this.pendingOffsets.size > 0 || this.pendingFloors.size > 0;
  }

  /** Starts a write unless one is under way: what arrives meanwhile waits for the next one. */
  private schedule(): void {
    if (this.flushing || (this.closed && !this.hasWork())) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      // Appends that arrived during a failed write get their own try; pending offsets
      // and floors alone wait for the retry timer.
      if (this.queue.length) this.schedule();
    });
  }

  private async flush(): Promise<void> {
    while (this.hasWork()) {
      const jobs = this.queue;
      const offsets = this.pendingOffsets;
      const floors = this.pendingFloors;
      this.queue = [];
      this.pendingOffsets = new Map();
      this.pendingFloors = new Map();
      const ends = new Map<string, number>();
      const assigned = jobs.map(({ topic, rows }) =>
        rows.map(({ partition }) => {
          const id = partitionKey(topic, partition);
          const offset = ends.get(id) ?? this.ends.get(id) ?? 0;
          ends.set(id, offset + 1);
          return offset;
        }),
      );
      try {
        await this.records.batch(() => {
          jobs.forEach(({ topic, rows }, j) =>
            rows.forEach(({ partition, key, value, at }, i) => void this.records.put([topic, partition, assigned[j]![i]!], [key, value, at])),
          );
          for (const { group, topic, partition, offset } of offsets.values()) void this.offsets.put([group, topic, partition], offset);
          for (const [id, { topic, partition, floor }] of floors) {
            for (let o = this.writtenFloors.get(id) ?? 0; o < floor; o++) void this.records.remove([topic, partition, o]);
            void this.floors.put([topic, partition], floor);
          }
        });
      } catch (err) {
        const cause = await causeOf(err);
        const code = errnoName((cause as NodeJS.ErrnoException).code);
        this.failure = `${cause.message}${code ? ` (${code})` : ''}`;
        const error = new PulseError(
          'BUS_LOG_UNAVAILABLE',
          `the bus log in ${this.dir} cannot be written (${this.failure}): the publish was not accepted; free disk space or make the data dir writable`,
          { cause },
        );
        for (const job of jobs) job.reject(error);
        // Keep what was to be written, unless something newer replaced it meanwhile.
        for (const [id, o] of offsets) if (!this.pendingOffsets.has(id)) this.pendingOffsets.set(id, o);
        for (const [id, f] of floors) if ((this.pendingFloors.get(id)?.floor ?? -1) < f.floor) this.pendingFloors.set(id, f);
        log.error({ dir: this.dir, err: this.failure, records: jobs.reduce((n, j) => n + j.rows.length, 0) }, 'bus log write failed; publishes are refused until a write succeeds');
        if (!this.closed) {
          clearTimeout(this.retryTimer);
          this.retryTimer = setTimeout(() => this.schedule(), retryMs).unref();
        }
        return;
      }
      for (const [id, end] of ends) this.ends.set(id, end);
      for (const [id, { floor }] of floors) this.writtenFloors.set(id, floor);
      if (this.failure) log.info({ dir: this.dir }, 'bus log writes succeed again');
      this.failure = null;
      jobs.forEach((job, j) => job.resolve(assigned[j]!));
    }
  }
}

function unavailable(what: string, cause: unknown): PulseError {
  return new PulseError('BUS_LOG_UNAVAILABLE', `${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
}
