/**
 * The live stage's service: the dashboard's live feed, speaking lib/contracts/live.ts to clients
 * through {@link LiveConnection} (the `/ws` transport is server/live-socket.ts).
 *
 * Fed from the bus, not by polling the store per client: every server process reads ALL of
 * `pulse.messages.scored` (its own consumer group, starting at the latest offset) into one
 * {@link LiveAggregator}. One timer closes a tick every 100 ms: the aggregator's increments
 * are projected once per distinct subscription filter and fanned out to every subscription.
 * The store is read only for snapshots (on subscribe, lib/live/snapshot.ts); status comes from
 * the health probe (lib/live/status.ts). Slow clients: lib/live/slow-clients.ts.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Bus, InRecord, StopOptions, Subscription } from '../bus/bus.ts';
import { Topics } from '../bus/topics.ts';
import { AllStreamsId } from '../contracts/api.ts';
import { toLiveAlert, type ClientEvent, type ClientEventOf, type LiveErrorCode, type LivePoint, type ServerEvent, type StreamNow } from '../contracts/live.ts';
import { isPulseError } from '../errors.ts';
import type { HealthDeps } from '../health.ts';
import { log } from '../log.ts';
import type { ScoredMessage } from '../message.ts';
import type { Metrics } from '../metrics.ts';
import type { StatsRepository } from '../store/index.ts';
import { LiveAggregator, type AddResult, type LiveFilter } from './aggregator.ts';
import type { LiveConnection, LiveSession } from './connection.ts';
import { RateBudget, Reservoir, spread, toLiveMessage } from './sampling.ts';
import { SlowClient, slowClientLimits, type SlowClientLimits, type SlowClientOptions } from './slow-clients.ts';
import { buildSnapshot } from './snapshot.ts';
import { LiveStatus, type ClassifiersSource } from './status.ts';
import type { LiveSubscription } from './subscription.ts';

export interface LiveHubDeps {
  /** Joined for the scored and alert topics; its durable log's state goes into each status. */
  bus: Pick<Bus, 'consume' | 'logStatus'>;
  /** Snapshots read the stats repository; status pings the store. */
  store: HealthDeps['store'] & { stats: Pick<StatsRepository, 'buckets'> };
  /** The process's reader of the classifiers' lag (lib/classify/lag.ts), for status and ticks. */
  lag: HealthDeps['lag'];
  metrics: Metrics;
  /** The classifier members of this process, for status; absent where it runs none. */
  classifiers?: ClassifiersSource;
}

export interface LiveHubOptions extends SlowClientOptions {
  /** Sampled `message` events per second per client (PULSE_LIVE_MESSAGE_RATE); 0 = none. */
  messageRate: number;
  tickMs?: number;
  statusMs?: number;
}

/** Messages kept per tick to sample from, however busy the stream (uniformly chosen). */
const sampledPerTick = 1000;

interface Client {
  connection: LiveConnection;
  /** Bumped by every subscribe and unsubscribe: a snapshot built for an older one is dropped. */
  generation: number;
  /** The latest subscribe that arrived while a snapshot was being built. */
  queued: ClientEventOf<'subscribe'> | undefined;
  building: boolean;
  sub: LiveSubscription | undefined;
  budget: RateBudget;
  slow: SlowClient;
}

export class LiveHub {
  private readonly clients = new Set<Client>();
  private readonly aggregator = new LiveAggregator();
  private readonly sample = new Reservoir<ScoredMessage>(sampledPerTick);
  private readonly status: LiveStatus;
  private readonly slowLimits: SlowClientLimits;
  private readonly tickMs: number;
  private readonly statusMs: number;
  private readonly consumers: Subscription[] = [];
  private readonly timers: NodeJS.Timeout[] = [];

  private constructor(
    private readonly deps: LiveHubDeps,
    private readonly options: LiveHubOptions,
  ) {
    this.tickMs = options.tickMs ?? 100;
    this.statusMs = options.statusMs ?? 2000;
    this.slowLimits = slowClientLimits(options);
    this.status = new LiveStatus({ lag: deps.lag, store: deps.store, bus: deps.bus }, deps.classifiers);
  }

  /** Joins the scored and alert topics (from now on) and starts the tick and status timers. */
  static async start(deps: LiveHubDeps, options: LiveHubOptions): Promise<LiveHub> {
    const hub = new LiveHub(deps, options);
    // One group per process, so that every process sees every message; `latest`, because a
    // new group at `earliest` would first replay the topic's whole retention.
    const group = `pulse-live-${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    // Side by side: a Kafka group's first join alone takes seconds.
    const joined = await Promise.allSettled([
      deps.bus.consume({ group, topic: Topics.scored, start: 'latest', maxBatch: 1000, maxWaitMs: 20, handler: async (r) => hub.onScored(r) }),
      deps.bus.consume({ group: `${group}-alerts`, topic: Topics.alerts, start: 'latest', maxBatch: 100, maxWaitMs: 20, handler: async (r) => hub.onAlerts(r) }),
    ]);
    for (const r of joined) if (r.status === 'fulfilled') hub.consumers.push(r.value);
    const failed = joined.find((r) => r.status === 'rejected');
    if (failed) {
      await hub.close();
      throw failed.reason;
    }
    hub.timers.push(setInterval(() => hub.tick(), hub.tickMs), setInterval(() => void hub.sendStatus(), hub.statusMs));
    void hub.sendStatus(); // so that the first clients see the real lag and store state
    log.info({ group, messageRate: options.messageRate }, 'live hub running');
    return hub;
  }

  /**
   * Stops the timers and the consumers (each hands its in-flight batch to the aggregator within
   * `graceMs`, default 0) and closes every client's connection.
   */
  async close({ graceMs = 0 }: StopOptions = {}): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await Promise.all(this.consumers.map((c) => c.stop({ graceMs })));
    for (const c of this.clients) c.connection.close('shutting-down');
  }

  /** A new client: it gets a status at once, and ticks once it subscribes. */
  connect(connection: LiveConnection): LiveSession {
    const client: Client = {
      connection, generation: 0, queued: undefined, building: false, sub: undefined,
      budget: new RateBudget(this.options.messageRate, Date.now()),
      slow: new SlowClient(connection, this.slowLimits, this.deps.metrics.liveTicksDropped),
    };
    this.clients.add(client);
    this.deps.metrics.liveClients.set(this.clients.size);
    this.send(client, { type: 'status', at: new Date().toISOString(), ...this.status.current, clients: this.clients.size, dropped: 0 });
    return {
      receive: (event) => this.receive(client, event),
      refuse: (reason) => this.sendError(client, 'FRAME_INVALID', reason),
      end: () => {
        this.clients.delete(client);
        client.generation++;
        client.sub = undefined;
        this.deps.metrics.liveClients.set(this.clients.size);
      },
    };
  }

  private receive(client: Client, event: ClientEvent): void {
    // Either way the current subscription ends now: no tick of it follows this frame.
    client.generation++;
    client.sub = undefined;
    switch (event.type) {
      case 'subscribe':
        client.queued = event;
        void this.buildSnapshots(client);
        break;
      case 'unsubscribe':
        client.queued = undefined;
        break;
      default:
        event satisfies never;
    }
  }

  /**
   * One snapshot at a time per client, for the latest subscribe: a client that subscribes
   * in a loop costs one store query set at a time, not one per frame.
   */
  private async buildSnapshots(client: Client): Promise<void> {
    if (client.building) return;
    client.building = true;
    try {
      while (client.queued) {
        const request = client.queued;
        client.queued = undefined;
        const generation = client.generation;
        try {
          const { event, subscription } = await buildSnapshot({ stats: this.deps.store.stats, aggregator: this.aggregator }, request);
          if (generation !== client.generation) continue;
          // The cut between snapshot and ticks: what the aggregator holds until now goes to
          // the other subscriptions; this one counts from here, after the store's answer.
          this.collect(Date.now());
          client.sub = subscription;
          this.send(client, { type: 'snapshot', ...event });
        } catch (err) {
          if (generation !== client.generation) continue;
          if (!isPulseError(err)) log.error({ err }, 'live snapshot failed');
          this.sendError(client, isPulseError(err) ? err.code : 'INTERNAL', isPulseError(err) ? err.message : 'internal error');
        }
      }
    } finally {
      client.building = false;
    }
  }

  private onScored(records: InRecord<typeof Topics.scored>[]): void {
    const now = Date.now();
    const results = new Map<AddResult, number>();
    for (const { value: m } of records) {
      const result = this.aggregator.add(m, now);
      results.set(result, (results.get(result) ?? 0) + 1);
      if (result === 'added' && this.options.messageRate > 0) this.sample.offer(m);
    }
    for (const [result, n] of results) this.deps.metrics.liveMessages.inc({ result }, n);
    this.status.count(results.get('added') ?? 0);
  }

  private onAlerts(records: InRecord<typeof Topics.alerts>[]): void {
    for (const { value: a } of records) {
      // pulse.alerts carries full alert records (lib/alerts); browsers get the banner's part.
      const alert = toLiveAlert(a);
      for (const c of this.clients) {
        const streams = c.sub?.filter.streams;
        // Alerts are rare and matter: they go out even to a slow client (send() bounds it).
        if (streams?.includes(AllStreamsId) || streams?.includes(alert.stream)) this.send(c, { type: 'alert', ...alert });
      }
    }
  }

  /** Moves the aggregator's increments into every subscription, projected once per filter. */
  private collect(now: number): void {
    const delta = this.aggregator.flush(now);
    if (delta.empty) return;
    const projections = new Map<string, Map<string, LivePoint[]>>();
    for (const { sub } of this.clients) {
      if (!sub) continue;
      let points = projections.get(sub.key);
      if (!points) projections.set(sub.key, (points = delta.points(sub.filter)));
      sub.add(points);
    }
  }

  private tick(): void {
    const now = Date.now();
    this.collect(now);
    const sampled = this.sample.drain();
    /** "Now" figures per sources filter and stream, computed once per tick. */
    const nowCache = new Map<string, StreamNow>();
    const current = (stream: string, sources: LiveFilter['sources']): StreamNow => {
      const key = JSON.stringify([sources ?? null, stream]);
      let figures = nowCache.get(key);
      if (!figures) nowCache.set(key, (figures = this.aggregator.now(stream, sources, now)));
      return figures;
    };
    // One event object per sampled message, whoever gets it: the transport encodes it once.
    const messageEvents = new Map<ScoredMessage, ServerEvent>();
    let buffered = 0;
    for (const c of this.clients) {
      buffered += c.connection.bufferedBytes;
      const sub = c.sub;
      if (!sub) continue;
      const tick = sub.nextTick(current);
      if (c.slow.isSlow(now)) {
        if (tick) {
          sub.dropped();
          c.slow.dropTick();
        }
        continue;
      }
      if (tick) {
        const dropped = sub.markSent(tick);
        this.send(c, { type: 'tick', at: new Date(now).toISOString(), streams: tick, lag: this.status.current.lag, dropped });
      }
      const mine = sampled.filter((m) => sub.wants(m));
      for (const m of spread(mine, mine.length ? c.budget.take(mine.length, now) : 0)) {
        let event = messageEvents.get(m);
        if (!event) messageEvents.set(m, (event = { type: 'message', ...toLiveMessage(m) }));
        this.send(c, event);
      }
    }
    this.deps.metrics.liveBufferedBytes.set(buffered);
  }

  /** Every `statusMs`: lag and store probed once for all clients, then one status each. */
  private async sendStatus(): Promise<void> {
    const figures = await this.status.refresh();
    if (!figures) return;
    const now = Date.now();
    const at = new Date(now).toISOString();
    for (const c of this.clients) {
      if (!c.slow.isSlow(now)) this.send(c, { type: 'status', at, ...figures, clients: this.clients.size, dropped: c.slow.dropped });
    }
  }

  private sendError(client: Client, code: LiveErrorCode, message: string): void {
    this.send(client, { type: 'error', code, message });
  }

  private send(client: Client, event: ServerEvent): void {
    client.connection.send(event);
    client.slow.checkQueue();
  }
}
