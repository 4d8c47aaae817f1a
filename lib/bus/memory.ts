import { PulseError } from '../errors.ts';
import { log } from '../log.ts';
import { Deadline } from '../shutdown.ts';
import type { BusLogStatus, BusTransport, RawInRecord, RawOutRecord, StopOptions, Subscription, TransportConsumeOptions } from './bus.ts';
import { DurableLog, type AppendRow, type LoadedLog } from './durable-log.ts';
import { checkConsumeOptions, retryBackoffMs } from './options.ts';
import { allTopics, type Topic } from './topics.ts';

export interface MemoryTransportOptions {
  /** Partitions per topic: how many members of one group can work in parallel. */
  partitions?: number;
  /**
   * Records per partition kept for groups that are not consuming right now (or that do not
   * exist yet): the in-process counterpart of a Kafka retention limit. Default 10,000 in
   * memory only; with a durable log, no count limit (bytes and age bound it instead).
   */
  retention?: number;
  /** Bytes (keys and values) kept for such groups, all topics together; default: no limit. */
  retentionBytes?: number;
  /** Age (ms since publish) past which records go even if such a group has not read them; default: no limit. */
  retentionMs?: number;
  /**
   * Keeps the records of `topics` (default: all) and each durable group's commits in a durable
   * log in `dir` (durable-log.ts), so that what was published and not committed is delivered
   * again after a restart. Without it, records live in this process's memory only, as do those
   * of the topics left out, which only groups that start at `latest` may read.
   */
  durable?: { dir: string; minFreeBytes: number; topics?: readonly Topic[] };
}

interface Entry {
  key: string;
  value: string;
  /** Publish time (ms): the batch-fill wait of the oldest pending record starts here. */
  at: number;
  /** UTF-8 bytes of key and value: what the size retention counts. */
  bytes: number;
  /** Order in which this process came to hold it, over all partitions: breaks ties of `at` (a millisecond holds many publishes). */
  seq: number;
}

class PartitionLog {
  /** Offset of `entries[0]`; everything older has been dropped. */
  base = 0;
  readonly entries: Entry[] = [];
  get end(): number {
    return this.base + this.entries.length;
  }
}

interface TopicState {
  name: Topic;
  partitions: PartitionLog[];
  groups: Map<string, GroupState>;
}

interface GroupState {
  name: string;
  topic: TopicState;
  /**
   * Its commits go to the durable log. A group that began at `latest` (a server's live hub: a
   * new random group per process) is not: nobody resumes it after a restart, so it must not
   * hold records there.
   */
  durable: boolean;
  /** Per partition, the first offset not committed yet (delivery resumes there). */
  committed: number[];
  /** Live members in join order; partition p belongs to `members[p % members.length]`. */
  members: Member[];
  owner: (Member | undefined)[];
  /** The one unsettled delivery of each partition: nobody else takes the partition meanwhile. */
  inFlight: (Delivery | undefined)[];
  /** Set once retention dropped records this group had not committed, until a member joins. */
  retentionWarned: boolean;
}

interface Member {
  id: number;
  group: GroupState;
  options: TransportConsumeOptions;
  stopped: boolean;
  /** Per partition: failed handler calls in a row, and when its batch may be offered again. */
  failures: number[];
  retryAt: number[];
  /** Ends the dispatch loop's current wait early: new records, a rebalance, a settled batch, stop. */
  wake?: () => void;
  /** Its handler calls not settled yet, at most one per partition: what a graceful stop waits for. */
  running: Set<Promise<void>>;
  /** Where the next dispatch scan begins (see `dispatch`). */
  scanFrom: number;
  leaving?: Promise<void>;
}

interface Delivery {
  member: Member;
  partition: number;
  /** One past the last offset delivered: the committed offset once the handler resolves. */
  to: number;
  /** How many records it holds: what counts against the member's `maxInFlightRecords`. */
  records: number;
}

/**
 * The in-process transport of the embedded runtime, with Kafka's semantics so that consumer code
 * behaves the same on both: keyed records land on a fixed partition, each group commits its
 * own offset per partition, the partitions of a topic are shared among the live members of a
 * group, and a handler call carries up to `maxBatch` records of ONE partition, so per-key
 * order holds. Delivery is at-least-once: a batch is committed only after its handler
 * resolves.
 *
 * Rebalancing is eager and round-robin: partition p belongs to member `p % n` in join order,
 * recomputed whenever a member joins or stops. A partition that changes hands while its
 * handler runs is taken by the new owner only after that call settles (as a Kafka member
 * finishes its batch before rejoining); a member that stops abandons its in-flight batches
 * (at once, or after the grace it was given), uncommitted, and their records go to whoever owns
 * the partitions next. A member has a batch in flight on each of its partitions that has
 * records, side by side, so that one batch's inference overlaps another one's insert.
 *
 * With a durable log (`options.durable`), `publish` to a logged topic resolves only once its
 * records are synced to disk, and consumers see them only then, in offset order, so no commit
 * passes what is durable. Durable groups' commits are persisted too, and at start every partition is
 * reloaded from the oldest record some group still needs: what was not committed is
 * delivered again. The records stay in memory as well, as without the log; the log is what
 * a restart reads.
 */
export class MemoryTransport implements BusTransport {
  readonly kind = 'memory';
  private readonly partitionCount: number;
  private readonly limits: { records: number; bytes: number; ms: number };
  private readonly durable: MemoryTransportOptions['durable'];
  /** The topics whose records go to the durable log (none without one). */
  private readonly logged: ReadonlySet<Topic>;
  private log: DurableLog | undefined;
  private opening: Promise<void> | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly topics = new Map<Topic, TopicState>();
  /** Records held over all partitions, and their bytes: what the size retention bounds. */
  private heldRecords = 0;
  private heldBytes = 0;
  private nextSeq = 0;
  private nextMemberId = 1;
  private closed = false;

  constructor(options: MemoryTransportOptions = {}) {
    const { partitions = 4, durable } = options;
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024) {
      throw new PulseError('BUS_OPTIONS_INVALID', 'partitions must be an integer from 1 to 1024');
    }
    const limits = { records: options.retention ?? (durable ? Infinity : 10_000), bytes: options.retentionBytes ?? Infinity, ms: options.retentionMs ?? Infinity };
    if (!(Number.isInteger(limits.records) || limits.records === Infinity) || limits.records < 1) {
      throw new PulseError('BUS_OPTIONS_INVALID', 'retention must be an integer ≥ 1');
    }
    if (!(limits.bytes > 0) || !(limits.ms > 0)) throw new PulseError('BUS_OPTIONS_INVALID', 'retentionBytes and retentionMs must be > 0');
    this.partitionCount = partitions;
    this.limits = limits;
    this.durable = durable;
    this.logged = new Set(durable ? (durable.topics ?? allTopics) : []);
  }

  /** Creates the topics; with a durable log, opens it and reloads what it holds. */
  async start(): Promise<void> {
    this.assertOpen();
    for (const name of allTopics) this.topic(name);
    if (this.durable) await this.ready();
  }

  async publish(topic: Topic, records: RawOutRecord[]): Promise<void> {
    this.assertOpen();
    if (!records.length) return;
    const t = this.topic(topic);
    const at = Date.now();
    const rows: AppendRow[] = records.map(({ key, value }) => ({ partition: partitionOf(key, this.partitionCount), key, value, at }));
    if (!this.logged.has(topic)) return this.reveal(t, rows);
    await this.ready();
    const offsets = await this.log!.append(topic, rows);
    // Durable already: after a close it is delivered after the next start.
    if (!this.closed) this.reveal(t, rows, offsets);
  }

  async consume(options: TransportConsumeOptions): Promise<Subscription> {
    this.assertOpen();
    checkConsumeOptions(options);
    if (this.durable && !this.logged.has(options.topic) && options.start !== 'latest') {
      // Its records would be gone after a restart, uncommitted or not: at-least-once would not hold.
      throw new PulseError('BUS_OPTIONS_INVALID', `${options.topic} is not kept in the bus log: a group may only read it from 'latest'`);
    }
    // The restored groups exist before a member joins one.
    if (this.durable) await this.ready();
    const t = this.topic(options.topic);
    const isNew = !t.groups.has(options.group);
    const g = this.group(t, options.group, options.start ?? 'earliest');
    // A new durable group holds its records from the start: after a restart before its first
    // commit, the others' commits must not let them go.
    if (isNew && g.durable) g.committed.forEach((offset, p) => this.log?.commit(g.name, t.name, p, offset));
    const member: Member = {
      id: this.nextMemberId++, group: g, options, stopped: false,
      failures: Array<number>(this.partitionCount).fill(0), retryAt: Array<number>(this.partitionCount).fill(0), running: new Set(), scanFrom: 0,
    };
    g.members.push(member);
    g.retentionWarned = false;
    this.rebalance(g);
    log.info({ group: g.name, topic: g.topic.name, member: member.id, members: g.members.length }, 'bus member joined');
    void this.run(member);
    return { stop: (stopOptions?: StopOptions) => this.leave(member, stopOptions?.graceMs ?? 0) };
  }

  async lag(group: string, topic: Topic): Promise<number> {
    this.assertOpen();
    if (this.durable) await this.ready();
    const t = this.topic(topic);
    const committed = t.groups.get(group)?.committed;
    // A group that never consumed starts at the oldest retained record, so all of them count.
    return t.partitions.reduce((sum, l, p) => sum + l.end - Math.max(l.base, committed?.[p] ?? 0), 0);
  }

  logStatus(): BusLogStatus | null {
    if (!this.durable) return null;
    return {
      dir: this.durable.dir,
      fileBytes: this.log?.fileBytes() ?? 0,
      records: this.heldRecords,
      heldBytes: this.heldBytes,
      retentionBytes: this.limits.bytes,
      minFreeBytes: this.durable.minFreeBytes,
      failing: this.log?.failing ?? null,
    };
  }

  /** Members leave at once (their batches in flight are abandoned); the durable log writes what is pending, then closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    for (const t of this.topics.values()) for (const g of t.groups.values()) for (const m of [...g.members]) void this.leave(m, 0);
    this.topics.clear();
    await this.opening?.catch(() => undefined);
    await this.log?.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new PulseError('BUS_CLOSED', 'the in-process bus is closed');
  }

  /** Opens the durable log once; a failed open is tried again by the next call. */
  private ready(): Promise<void> {
    this.opening ??= this.openLog().catch((err: unknown) => {
      this.opening = undefined;
      throw err;
    });
    return this.opening;
  }

  private async openLog(): Promise<void> {
    const opened = await DurableLog.open({ dir: this.durable!.dir });
    if (this.closed) {
      await opened.close();
      throw new PulseError('BUS_CLOSED', 'the in-process bus is closed');
    }
    this.log = opened;
    this.restore(opened.load());
    if (this.limits.ms < Infinity) {
      // Age retention needs a clock: a topic nobody publishes to would otherwise keep its records.
      this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, Math.max(10, this.limits.ms / 4))).unref();
    }
  }

  /**
   * Rebuilds the in-memory view from the log: every partition from its oldest retained record,
   * every durable group at its persisted commits, then retention as usual (records all of them
   * committed go). Groups that began at `latest` were never persisted: they are gone.
   */
  private restore(loaded: LoadedLog): void {
    const known = (topic: string, partition: number): topic is Topic => (allTopics as string[]).includes(topic) && partition < this.partitionCount;
    for (const { topic, partition, base, records } of loaded.partitions) {
      if (!known(topic, partition)) {
        log.warn({ topic, partition, records: records.length }, 'bus log holds records of an unknown topic or partition; left in place, not delivered');
        continue;
      }
      if (!this.logged.has(topic)) {
        // Written by a version that kept this topic: nobody may resume it, so it goes.
        this.log!.truncate(topic, partition, base + records.length);
        continue;
      }
      const l = this.topic(topic).partitions[partition]!;
      l.base = base;
      for (const r of records) this.hold(l, r);
    }
    for (const { group, topic, partition, offset } of loaded.offsets) {
      if (known(topic, partition) && this.logged.has(topic)) this.group(this.topic(topic), group, 'earliest').committed[partition] = offset;
    }
    let groups = 0;
    for (const t of this.topics.values()) {
      groups += t.groups.size;
      for (let p = 0; p < this.partitionCount; p++) this.trim(t, p);
    }
    this.enforceBytes();
    log.info({ dir: this.durable!.dir, records: this.heldRecords, bytes: this.heldBytes, groups }, 'bus log loaded');
  }

  private topic(name: Topic): TopicState {
    let t = this.topics.get(name);
    if (!t) {
      t = { name, partitions: Array.from({ length: this.partitionCount }, () => new PartitionLog()), groups: new Map() };
      this.topics.set(name, t);
    }
    return t;
  }

  private group(t: TopicState, name: string, start: 'earliest' | 'latest'): GroupState {
    let g = t.groups.get(name);
    if (!g) {
      // A new group starts from the oldest retained record or after the newest one, as Kafka's
      // auto.offset.reset; an existing group resumes from its commits either way.
      g = {
        name, topic: t, durable: start !== 'latest', committed: t.partitions.map((l) => (start === 'latest' ? l.end : l.base)), members: [],
        owner: [], inFlight: Array.from({ length: this.partitionCount }, () => undefined), retentionWarned: false,
      };
      t.groups.set(name, g);
    }
    return g;
  }

  /** Makes published records visible, at the ends of their partitions, and wakes the consumers. */
  private reveal(t: TopicState, rows: AppendRow[], offsets?: number[]): void {
    if (offsets) {
      // The log resolves appends in the order they were made, so each one lands exactly at the
      // ends of its partitions; anything else would corrupt every offset after it.
      const ends = t.partitions.map((l) => l.end);
      rows.forEach(({ partition }, i) => {
        if (offsets[i] !== ends[partition]!++) throw new Error(`bus log answered out of order on ${t.name}/${partition}: offset ${offsets[i]}`);
      });
    }
    const touched = new Set<number>();
    for (const { partition, key, value, at } of rows) {
      this.hold(t.partitions[partition]!, { key, value, at });
      touched.add(partition);
    }
    for (const p of touched) this.trim(t, p);
    this.enforceBytes();
    for (const g of t.groups.values()) for (const m of g.members) m.wake?.();
  }

  private hold(l: PartitionLog, { key, value, at }: { key: string; value: string; at: number }): void {
    const bytes = Buffer.byteLength(key) + Buffer.byteLength(value);
    l.entries.push({ key, value, at, bytes, seq: this.nextSeq++ });
    this.heldRecords++;
    this.heldBytes += bytes;
  }

  /**
   * One member's dispatch loop: starts a handler call on every partition of the member that is
   * ready and has none in flight, without awaiting it, then waits for the next reason to look
   * again; ends when the member stops. Batches of different partitions thus overlap (as
   * Kafka's `partitionsConsumedConcurrently`): one batch's model inference runs while another
   * one's insert does. One batch in flight per partition keeps per-key order, and commits in
   * order per partition.
   */
  private async run(m: Member): Promise<void> {
    while (!m.stopped) {
      const readyAt = this.dispatch(m);
      await this.sleep(m, readyAt === Infinity ? undefined : readyAt - Date.now());
    }
  }

  /**
   * Starts a batch on each of the member's idle partitions that is ready: it holds `maxBatch`
   * pending records, or its oldest pending record has waited `maxWaitMs`, and its back-off
   * after a failed batch is over. Returns when the next partition that is not ready yet will be.
   */
  private dispatch(m: Member): number {
    const g = m.group;
    const { maxBatch, maxWaitMs } = m.options;
    const n = this.partitionCount;
    const now = Date.now();
    let readyAt = Infinity;
    // Counted from the deliveries, not `running`: a settled batch leaves `inFlight` before it wakes this loop.
    let busy = g.inFlight.reduce((sum, d) => (d?.member === m ? sum + d.records : sum), 0);
    const bound = m.options.maxInFlightRecords ?? Infinity;
    // A member whose bound stops it short of its partitions scans from after the last one it
    // served: each gets its turn, none starves behind a busier one.
    const scanFrom = m.scanFrom;
    for (let i = 0; i < n && busy < bound; i++) {
      const p = (scanFrom + i) % n;
      if (g.owner[p] !== m || g.inFlight[p]) continue;
      const l = g.topic.partitions[p]!;
      const from = Math.max(g.committed[p]!, l.base);
      const pending = l.end - from;
      if (pending <= 0) continue;
      const filledAt = l.entries[from - l.base]!.at + maxWaitMs;
      const startAt = Math.max(m.retryAt[p]!, pending < maxBatch ? filledAt : 0);
      if (startAt > now) {
        readyAt = Math.min(readyAt, startAt);
        continue;
      }
      const size = Math.min(pending, maxBatch);
      const delivery: Delivery = { member: m, partition: p, to: from + size, records: size };
      g.inFlight[p] = delivery;
      busy += size;
      m.scanFrom = p + 1;
      const records = l.entries
        .slice(from - l.base, delivery.to - l.base)
        .map((e, j): RawInRecord => ({ key: e.key, value: e.value, partition: p, offset: String(from + j) }));
      // Called once this scan is over and the loop waits: whatever the handler triggers at
      // once (a publish to this topic, a rebalance) then wakes the loop instead of being missed.
      const call = Promise.resolve()
        .then(() => this.deliver(delivery, records))
        .finally(() => m.running.delete(call));
      m.running.add(call);
    }
    return readyAt;
  }

  /** Hands one batch to the handler, then commits it, or holds its partition back for a while. */
  private async deliver(d: Delivery, records: RawInRecord[]): Promise<void> {
    const m = d.member;
    // Its member was stopped before the call began: the records already belong to the next owner.
    if (m.group.inFlight[d.partition] !== d) return;
    let ok = true;
    try {
      await m.options.handler(records);
    } catch (err) {
      ok = false;
      log.warn(
        { err, group: m.group.name, topic: m.group.topic.name, partition: d.partition, offset: records[0]!.offset, records: records.length },
        'bus handler failed; the batch will be delivered again',
      );
    }
    // Keeps a failing store from being hammered with the same batch; the other partitions go on.
    m.failures[d.partition] = ok ? 0 : m.failures[d.partition]! + 1;
    m.retryAt[d.partition] = ok ? 0 : Date.now() + retryBackoffMs(m.failures[d.partition]!);
    this.settle(d, ok);
    m.wake?.();
  }

  private settle(d: Delivery, ok: boolean): void {
    const g = d.member.group;
    // Abandoned: its member stopped, and the records already belong to the next owner.
    if (g.inFlight[d.partition] !== d) return;
    g.inFlight[d.partition] = undefined;
    if (ok) {
      g.committed[d.partition] = d.to;
      if (g.durable) this.log?.commit(g.name, g.topic.name, d.partition, d.to);
      this.trim(g.topic, d.partition);
    }
    // The partition may have been handed to another member while this batch ran.
    const owner = g.owner[d.partition];
    if (owner !== d.member) owner?.wake?.();
  }

  /**
   * Takes the member out of its group at once (its partitions go to the others), lets its
   * batches in flight settle for up to `graceMs` (their partitions' next owners wait for that),
   * then abandons whatever is still running.
   */
  private leave(m: Member, graceMs: number): Promise<void> {
    m.leaving ??= (async () => {
      m.stopped = true;
      const g = m.group;
      g.members.splice(g.members.indexOf(m), 1);
      this.rebalance(g);
      m.wake?.();
      if (graceMs > 0 && m.running.size) await new Deadline(graceMs).wait(Promise.allSettled(m.running));
      g.inFlight.forEach((d, p) => {
        if (d?.member !== m) return;
        g.inFlight[p] = undefined;
        g.owner[p]?.wake?.();
      });
      log.info({ group: g.name, topic: g.topic.name, member: m.id, members: g.members.length }, 'bus member left');
    })();
    return m.leaving;
  }

  private rebalance(g: GroupState): void {
    const n = g.members.length;
    g.owner = Array.from({ length: this.partitionCount }, (_, p) => (n ? g.members[p % n] : undefined));
    for (const m of g.members) m.wake?.();
  }

  /**
   * Drops what nobody will read: records every group has committed go at once; a group with
   * live members keeps everything it has not committed; beyond that, the retention limits
   * (records per partition, age; bytes over all topics in `enforceBytes`) bound what stays for
   * groups that are idle or do not exist yet.
   */
  private trim(t: TopicState, p: number): void {
    const l = t.partitions[p]!;
    let liveLow = Infinity;
    let allLow = t.groups.size ? Infinity : -Infinity;
    for (const g of t.groups.values()) {
      allLow = Math.min(allLow, g.committed[p]!);
      if (g.members.length) liveLow = Math.min(liveLow, g.committed[p]!);
    }
    const limitLow = Math.max(l.end - this.limits.records, this.ageFloor(l));
    this.dropBelow(t, p, Math.min(liveLow, Math.max(limitLow, allLow)));
  }

  /** The first offset of `l` younger than the age limit. */
  private ageFloor(l: PartitionLog): number {
    if (this.limits.ms === Infinity) return -Infinity;
    const cutoff = Date.now() - this.limits.ms;
    let offset = l.base;
    while (offset < l.end && l.entries[offset - l.base]!.at < cutoff) offset++;
    return offset;
  }

  /**
   * Keeps the records held under the size limit: the oldest go first, whatever their topic,
   * except what a group with live members has not committed.
   */
  private enforceBytes(): void {
    let excess = this.heldBytes - this.limits.bytes;
    if (excess <= 0) return;
    const heads = [...this.topics.values()].flatMap((t) =>
      t.partitions.map((l, p) => {
        let keep = Infinity;
        for (const g of t.groups.values()) if (g.members.length) keep = Math.min(keep, g.committed[p]!);
        return { t, p, l, until: Math.min(keep, l.end), next: l.base };
      }),
    );
    const head = (h: (typeof heads)[number]) => h.l.entries[h.next - h.l.base]!;
    while (excess > 0) {
      let oldest: (typeof heads)[number] | undefined;
      for (const h of heads) {
        if (h.next >= h.until) continue;
        const a = head(h);
        const b = oldest && head(oldest);
        if (!b || a.at < b.at || (a.at === b.at && a.seq < b.seq)) oldest = h;
      }
      if (!oldest) break;
      excess -= head(oldest).bytes;
      oldest.next++;
    }
    for (const h of heads) this.dropBelow(h.t, h.p, h.next);
  }

  private sweep(): void {
    for (const t of this.topics.values()) for (let p = 0; p < this.partitionCount; p++) this.trim(t, p);
    this.enforceBytes();
  }

  private dropBelow(t: TopicState, p: number, keepFrom: number): void {
    const l = t.partitions[p]!;
    if (keepFrom <= l.base) return;
    for (const g of t.groups.values()) {
      if (g.committed[p]! >= keepFrom || g.retentionWarned) continue;
      // Not silent: an idle group loses records it never committed, as under Kafka retention.
      g.retentionWarned = true;
      log.warn({ group: g.name, topic: t.name, partition: p, retention: this.describeLimits() }, 'bus retention dropped records an idle group had not committed');
    }
    for (const e of l.entries.splice(0, keepFrom - l.base)) {
      this.heldRecords--;
      this.heldBytes -= e.bytes;
    }
    l.base = keepFrom;
    if (this.logged.has(t.name)) this.log?.truncate(t.name, p, keepFrom);
  }

  private describeLimits(): string {
    const { records, bytes, ms } = this.limits;
    return [
      records < Infinity ? `${records} records per partition` : '',
      bytes < Infinity ? `${Math.round(bytes / 2 ** 20)} MiB` : '',
      ms < Infinity ? `${Math.round(ms / 60_000)} min` : '',
    ].filter(Boolean).join(', ');
  }

  private sleep(m: Member, ms?: number): Promise<void> {
    if (m.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, Math.max(0, ms));
      function done(): void {
        clearTimeout(timer);
        if (m.wake === done) m.wake = undefined;
        resolve();
      }
      m.wake = done;
    });
  }
}

/** FNV-1a over the key's UTF-16 code units: stable across processes and restarts. */
function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
