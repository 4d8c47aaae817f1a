import { PulseError } from '../errors.ts';
import { log } from '../log.ts';
import type { BusTransport, RawInRecord, RawOutRecord, Subscription, TransportConsumeOptions } from './bus.ts';
import { checkConsumeOptions, retryBackoffMs } from './options.ts';
import { allTopics, type Topic } from './topics.ts';

export interface MemoryTransportOptions {
  /** Partitions per topic: how many members of one group can work in parallel. */
  partitions?: number;
  /**
   * Records per partition kept for groups that are not consuming right now (or that do not
   * exist yet): the in-process counterpart of a Kafka retention limit.
   */
  retention?: number;
}

interface Entry {
  key: string;
  value: string;
  /** Publish time (ms): the batch-fill wait of the oldest pending record starts here. */
  at: number;
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
  /** Partition looked at first next time, so that one busy partition cannot starve the rest. */
  cursor: number;
  failures: number;
  /** Ends the member's current wait early: new records, a rebalance, a settled batch, stop. */
  wake?: () => void;
}

interface Delivery {
  member: Member;
  partition: number;
  /** One past the last offset delivered: the committed offset once the handler resolves. */
  to: number;
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
 * finishes its batch before rejoining); a member that stops abandons its in-flight batch at
 * once, uncommitted, and its records go to whoever owns the partition next.
 */
export class MemoryTransport implements BusTransport {
  readonly kind = 'memory';
  private readonly partitionCount: number;
  private readonly retention: number;
  private readonly topics = new Map<Topic, TopicState>();
  private nextMemberId = 1;
  private closed = false;

  constructor(options: MemoryTransportOptions = {}) {
    const { partitions = 4, retention = 10_000 } = options;
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024) {
      throw new PulseError('BUS_OPTIONS_INVALID', 'partitions must be an integer from 1 to 1024');
    }
    if (!Number.isInteger(retention) || retention < 1) {
      throw new PulseError('BUS_OPTIONS_INVALID', 'retention must be an integer ≥ 1');
    }
    this.partitionCount = partitions;
    this.retention = retention;
  }

  async start(): Promise<void> {
    this.assertOpen();
    for (const name of allTopics) this.topic(name);
  }

  async publish(topic: Topic, records: RawOutRecord[]): Promise<void> {
    this.assertOpen();
    const t = this.topic(topic);
    const at = Date.now();
    const touched = new Set<number>();
    for (const { key, value } of records) {
      const p = partitionOf(key, this.partitionCount);
      t.partitions[p]!.entries.push({ key, value, at });
      touched.add(p);
    }
    for (const p of touched) this.trim(t, p);
    for (const g of t.groups.values()) for (const m of g.members) m.wake?.();
  }

  async consume(options: TransportConsumeOptions): Promise<Subscription> {
    this.assertOpen();
    checkConsumeOptions(options);
    const g = this.group(this.topic(options.topic), options.group, options.start ?? 'earliest');
    const member: Member = { id: this.nextMemberId++, group: g, options, stopped: false, cursor: 0, failures: 0 };
    g.members.push(member);
    g.retentionWarned = false;
    this.rebalance(g);
    log.info({ group: g.name, topic: g.topic.name, member: member.id, members: g.members.length }, 'bus member joined');
    void this.run(member);
    return { stop: async () => this.leave(member) };
  }

  async lag(group: string, topic: Topic): Promise<number> {
    this.assertOpen();
    const t = this.topic(topic);
    const committed = t.groups.get(group)?.committed;
    // A group that never consumed starts at the oldest retained record, so all of them count.
    return t.partitions.reduce((sum, l, p) => sum + l.end - Math.max(l.base, committed?.[p] ?? 0), 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.topics.values()) for (const g of t.groups.values()) for (const m of [...g.members]) this.leave(m);
    this.topics.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new PulseError('BUS_CLOSED', 'the in-process bus is closed');
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
        name, topic: t, committed: t.partitions.map((l) => (start === 'latest' ? l.end : l.base)), members: [],
        owner: [], inFlight: Array.from({ length: this.partitionCount }, () => undefined), retentionWarned: false,
      };
      t.groups.set(name, g);
    }
    return g;
  }

  /** One member's loop: take a batch, hand it over, commit or back off; ends when it stops. */
  private async run(m: Member): Promise<void> {
    for (;;) {
      const next = await this.next(m);
      if (!next) return;
      let ok = true;
      try {
        await m.options.handler(next.records);
      } catch (err) {
        ok = false;
        log.warn(
          { err, group: m.group.name, topic: m.group.topic.name, partition: next.delivery.partition, offset: next.records[0]!.offset, records: next.records.length },
          'bus handler failed; the batch will be delivered again',
        );
      }
      this.settle(next.delivery, ok);
      if (ok) m.failures = 0;
      else await this.backOff(m, retryBackoffMs(++m.failures));
    }
  }

  /** Keeps a failing store from being hammered with the same batch; only `stop` cuts it short. */
  private async backOff(m: Member, ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!m.stopped && Date.now() < until) await this.sleep(m, until - Date.now());
  }

  /**
   * Waits for the next batch on one of the member's partitions: a partition is ready when it
   * holds `maxBatch` pending records or when its oldest pending record has waited `maxWaitMs`.
   */
  private async next(m: Member): Promise<{ delivery: Delivery; records: RawInRecord[] } | undefined> {
    const g = m.group;
    const { maxBatch, maxWaitMs } = m.options;
    const n = this.partitionCount;
    while (!m.stopped) {
      const now = Date.now();
      let readyAt = Infinity;
      for (let i = 0; i < n; i++) {
        const p = (m.cursor + i) % n;
        if (g.owner[p] !== m || g.inFlight[p]) continue;
        const l = g.topic.partitions[p]!;
        const from = Math.max(g.committed[p]!, l.base);
        const pending = l.end - from;
        if (pending <= 0) continue;
        const filledAt = l.entries[from - l.base]!.at + maxWaitMs;
        if (pending < maxBatch && filledAt > now) {
          readyAt = Math.min(readyAt, filledAt);
          continue;
        }
        m.cursor = (p + 1) % n;
        const delivery: Delivery = { member: m, partition: p, to: from + Math.min(pending, maxBatch) };
        g.inFlight[p] = delivery;
        const records = l.entries
          .slice(from - l.base, delivery.to - l.base)
          .map((e, i): RawInRecord => ({ key: e.key, value: e.value, partition: p, offset: String(from + i) }));
        return { delivery, records };
      }
      await this.sleep(m, readyAt === Infinity ? undefined : readyAt - now);
    }
    return undefined;
  }

  private settle(d: Delivery, ok: boolean): void {
    const g = d.member.group;
    // Abandoned: its member stopped, and the records already belong to the next owner.
    if (g.inFlight[d.partition] !== d) return;
    g.inFlight[d.partition] = undefined;
    if (ok) {
      g.committed[d.partition] = d.to;
      this.trim(g.topic, d.partition);
    }
    // The partition may have been handed to another member while this batch ran.
    const owner = g.owner[d.partition];
    if (owner !== d.member) owner?.wake?.();
  }

  private leave(m: Member): void {
    if (m.stopped) return;
    m.stopped = true;
    const g = m.group;
    g.members.splice(g.members.indexOf(m), 1);
    g.inFlight.forEach((d, p) => {
      if (d?.member === m) g.inFlight[p] = undefined;
    });
    this.rebalance(g);
    m.wake?.();
    log.info({ group: g.name, topic: g.topic.name, member: m.id, members: g.members.length }, 'bus member left');
  }

  private rebalance(g: GroupState): void {
    const n = g.members.length;
    g.owner = Array.from({ length: this.partitionCount }, (_, p) => (n ? g.members[p % n] : undefined));
    for (const m of g.members) m.wake?.();
  }

  /**
   * Drops what nobody will read: records every group has committed go at once; a group with
   * live members keeps everything it has not committed; beyond that, the newest `retention`
   * records stay for groups that are idle or do not exist yet.
   */
  private trim(t: TopicState, p: number): void {
    const l = t.partitions[p]!;
    let liveLow = Infinity;
    let allLow = t.groups.size ? Infinity : -Infinity;
    for (const g of t.groups.values()) {
      allLow = Math.min(allLow, g.committed[p]!);
      if (g.members.length) liveLow = Math.min(liveLow, g.committed[p]!);
    }
    const keepFrom = Math.min(liveLow, Math.max(l.end - this.retention, allLow));
    if (keepFrom <= l.base) return;
    for (const g of t.groups.values()) {
      if (g.committed[p]! >= keepFrom || g.retentionWarned) continue;
      // Not silent: an idle group loses records it never committed, as under Kafka retention.
      g.retentionWarned = true;
      log.warn({ group: g.name, topic: t.name, partition: p, retention: this.retention }, 'bus retention dropped records an idle group had not committed');
    }
    l.entries.splice(0, keepFrom - l.base);
    l.base = keepFrom;
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
