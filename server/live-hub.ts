/**
 * `ws://…/ws`: the dashboard's live feed, speaking lib/contracts/live.ts.
 *
 * Fed from the bus, not by polling the store per client: every server process reads ALL of
 * `pulse.messages.scored` (its own consumer group, starting at the latest offset) into one
 * {@link LiveAggregator}. One timer closes a tick every 100 ms: the aggregator's increments
 * are projected once per distinct subscription filter and fanned out to every subscription.
 * The store is read only for snapshots (on subscribe) and a ping with each status.
 *
 * Slow clients: above {@link LiveHubOptions.slowBytes} of unsent data a client gets no
 * ticks, messages or status; its increments pile up in its pending map (one cell per stream
 * and second, so bounded) and the next tick that goes out carries all of them. Each skipped
 * tick counts in `pulse_live_ticks_dropped_total`. A client that stays slow for
 * `slowTimeoutMs`, or whose queue passes `maxBufferedBytes` anyway (alerts, snapshots), is
 * disconnected; it reconnects to a fresh snapshot.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Bus, InRecord, Subscription } from '../lib/bus/bus.ts';
import { Topics } from '../lib/bus/topics.ts';
import { ClassifierGroup } from '../lib/classifier.ts';
import { AllStreamsId } from '../lib/contracts/api.ts';
import {
  ClientEventSchema, mergePoint, resolveWindow, toLiveAlert,
  type ClientEventOf, type LiveErrorCode, type LivePoint, type ServerEvent,
  type ServerEvents, type StreamNow, type StreamSnapshot, type StreamTick,
} from '../lib/contracts/live.ts';
import { isPulseError } from '../lib/errors.ts';
import { LiveAggregator, type AddResult, type LiveFilter } from '../lib/live/aggregator.ts';
import { matchesFilter, RateBudget, Reservoir, spread, toLiveMessage } from '../lib/live/sampling.ts';
import { log } from '../lib/log.ts';
import type { ScoredMessage } from '../lib/message.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { StatsRepository, Store } from '../lib/store/index.ts';

export interface LiveHubDeps {
  bus: Bus;
  store: Pick<Store, 'ping'> & { stats: Pick<StatsRepository, 'buckets'> };
  metrics: Metrics;
}

export interface LiveHubOptions {
  /** Sampled `message` events per second per client (PULSE_LIVE_MESSAGE_RATE); 0 = none. */
  messageRate: number;
  tickMs?: number;
  statusMs?: number;
  /** Above this many unsent bytes a client is slow: ticks, messages and status skip it. */
  slowBytes?: number;
  /** A client slow for this long is disconnected. */
  slowTimeoutMs?: number;
  /** A client with more unsent bytes than this is disconnected at once. */
  maxBufferedBytes?: number;
}

/** Messages kept per tick to sample from, however busy the stream (uniformly chosen). */
const sampledPerTick = 1000;
/** A subscribe frame is a few hundred bytes; nothing a client sends needs more. */
const maxFrameBytes = 64 * 1024;
/** Bounds how long a status waits for the lag and the store ping. */
const statusProbeTimeoutMs = 2000;
/** Close code (RFC 6455 "try again later") for a client that reads too slowly. */
const closeTooSlow = 1013;

interface LiveSub {
  filter: LiveFilter;
  /** Clients with equal keys share one projection of each tick. */
  key: string;
  /** Custom windows: only seconds in [from, to) are sent. */
  range: { from: number; to: number } | undefined;
  /** stream → second (ISO) → increments not sent yet. */
  pending: Map<string, Map<string, LivePoint>>;
  /** Moving average and volume as last sent, per stream: a tick repeats them only when they change. */
  sent: Map<string, StreamNow>;
  droppedSinceSent: number;
}

interface Client {
  socket: WebSocket;
  /** Bumped by every subscribe and unsubscribe: a snapshot built for an older one is dropped. */
  generation: number;
  /** The latest subscribe that arrived while a snapshot was being built. */
  queued: ClientEventOf<'subscribe'> | undefined;
  building: boolean;
  sub: LiveSub | undefined;
  budget: RateBudget;
  /** Ticks dropped since it connected. */
  dropped: number;
  slowSince: number | undefined;
}

export class LiveHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });
  private readonly clients = new Set<Client>();
  private readonly aggregator = new LiveAggregator();
  private readonly sample = new Reservoir<ScoredMessage>(sampledPerTick);
  private readonly tickMs: number;
  private readonly statusMs: number;
  private readonly slowBytes: number;
  private readonly slowTimeoutMs: number;
  private readonly maxBufferedBytes: number;
  private readonly consumers: Subscription[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private health: Pick<ServerEvents['status'], 'bus' | 'store' | 'lag' | 'throughput'> = { bus: 'ok', store: 'ok', lag: null, throughput: 0 };
  /** Distinct scored messages since the last status, and when that was. */
  private added = 0;
  private addedSince = Date.now();
  private probing = false;

  private constructor(
    private readonly deps: LiveHubDeps,
    private readonly options: LiveHubOptions,
  ) {
    this.tickMs = options.tickMs ?? 100;
    this.statusMs = options.statusMs ?? 2000;
    this.slowBytes = options.slowBytes ?? 256 * 1024;
    this.slowTimeoutMs = options.slowTimeoutMs ?? 30_000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.wss.on('connection', (socket) => this.serve(socket));
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
    hub.timers.push(setInterval(() => hub.tick(), hub.tickMs), setInterval(() => void hub.status(), hub.statusMs));
    void hub.status(); // so that the first clients see the real lag and store state
    log.info({ group, messageRate: options.messageRate }, 'live hub running');
    return hub;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await Promise.all(this.consumers.map((c) => c.stop()));
    for (const c of this.clients) c.socket.close(1001, 'server shutting down');
    this.wss.close();
  }

  private serve(socket: WebSocket): void {
    const client: Client = {
      socket, generation: 0, queued: undefined, building: false, sub: undefined,
      budget: new RateBudget(this.options.messageRate, Date.now()), dropped: 0, slowSince: undefined,
    };
    this.clients.add(client);
    this.deps.metrics.liveClients.set(this.clients.size);
    socket.on('message', (data) => this.onFrame(client, data));
    // Protocol errors (an oversized frame, bad framing): ws closes the socket itself.
    socket.on('error', (err) => log.debug({ err }, 'live client socket error'));
    socket.on('close', () => {
      this.clients.delete(client);
      client.generation++;
      client.sub = undefined;
      this.deps.metrics.liveClients.set(this.clients.size);
    });
    this.send(client, { type: 'status', at: new Date().toISOString(), ...this.health, clients: this.clients.size, dropped: 0 });
  }

  private onFrame(client: Client, data: RawData): void {
    // With ws' default binaryType every frame, text or binary, arrives as one Buffer.
    const text = (data as Buffer).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.sendError(client, 'FRAME_INVALID', 'the frame is not JSON');
      return;
    }
    const parsed = ClientEventSchema.safeParse(json);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
      this.sendError(client, 'FRAME_INVALID', reason);
      return;
    }
    const event = parsed.data;
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
          const { snapshot, sub } = await this.snapshot(request);
          if (generation !== client.generation) continue;
          // The cut between snapshot and ticks: what the aggregator holds until now goes to
          // the other subscriptions; this one counts from here, after the store's answer.
          this.collect(Date.now());
          if (snapshot.live) client.sub = sub;
          this.send(client, { type: 'snapshot', ...snapshot });
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

  private async snapshot(request: ClientEventOf<'subscribe'>): Promise<{ snapshot: ServerEvents['snapshot']; sub: LiveSub }> {
    const now = Date.now();
    const streams = request.streams === 'all' ? [AllStreamsId] : [...new Set(request.streams)];
    const sources = request.sources ? [...new Set(request.sources)] : undefined;
    const { from, to, bucket } = resolveWindow(request.window, now);
    const filter: LiveFilter = { streams, sources };
    const perStream = await Promise.all(
      streams.map(async (stream): Promise<[string, StreamSnapshot]> => {
        const queries = (sources ?? [undefined]).map((source) =>
          this.deps.store.stats.buckets({ stream, ...(source ? { source } : {}), from: new Date(from), to: new Date(to), bucket }),
        );
        const buckets = mergeSeries((await Promise.all(queries)).flat());
        return [stream, { buckets, ...this.aggregator.now(stream, sources, Date.now()) }];
      }),
    );
    const snapshot: ServerEvents['snapshot'] = {
      window: request.window,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      bucket,
      sources: sources ?? null,
      live: typeof request.window === 'string' || to > now,
      streams: Object.fromEntries(perStream),
    };
    const sub: LiveSub = {
      filter,
      key: JSON.stringify([streams, sources ?? null]),
      range: typeof request.window === 'string' ? undefined : { from, to },
      pending: new Map(),
      sent: new Map(perStream.map(([stream, s]) => [stream, { movingAverage: s.movingAverage, volume: s.volume }])),
      droppedSinceSent: 0,
    };
    return { snapshot, sub };
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
    this.added += results.get('added') ?? 0;
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
      for (const [stream, list] of points) {
        let pending = sub.pending.get(stream);
        if (!pending) sub.pending.set(stream, (pending = new Map()));
        for (const p of list) {
          const before = pending.get(p.t);
          pending.set(p.t, before ? mergePoint(before, p) : p);
        }
      }
    }
  }

  private tick(): void {
    const now = Date.now();
    this.collect(now);
    const sampled = this.sample.drain();
    /** "Now" figures per sources filter and stream, computed once per tick. */
    const nowCache = new Map<string, StreamNow>();
    const serialized = new Map<ScoredMessage, string>();
    let buffered = 0;
    for (const c of this.clients) {
      buffered += c.socket.bufferedAmount;
      const sub = c.sub;
      if (!sub) continue;
      const tick = this.tickOf(sub, now, nowCache);
      if (this.isSlow(c, now)) {
        if (tick) {
          sub.droppedSinceSent++;
          c.dropped++;
          this.deps.metrics.liveTicksDropped.inc();
        }
        continue;
      }
      if (tick) {
        this.send(c, { type: 'tick', at: new Date(now).toISOString(), streams: tick, lag: this.health.lag, dropped: sub.droppedSinceSent });
        sub.pending.clear();
        for (const [stream, t] of Object.entries(tick)) sub.sent.set(stream, { movingAverage: t.movingAverage, volume: t.volume });
        sub.droppedSinceSent = 0;
      }
      const mine = sampled.filter((m) => matchesFilter(m, sub.filter) && inRange(sub, Date.parse(m.ts)));
      for (const m of spread(mine, mine.length ? c.budget.take(mine.length, now) : 0)) {
        let json = serialized.get(m);
        if (!json) serialized.set(m, (json = JSON.stringify({ type: 'message', ...toLiveMessage(m) } satisfies ServerEvent)));
        this.sendRaw(c, json);
      }
    }
    this.deps.metrics.liveBufferedBytes.set(buffered);
  }

  /** What changed for one subscription since its last sent tick; undefined when nothing did. */
  private tickOf(sub: LiveSub, now: number, cache: Map<string, StreamNow>): Record<string, StreamTick> | undefined {
    const out: Record<string, StreamTick> = {};
    let changed = false;
    for (const stream of sub.filter.streams) {
      const key = JSON.stringify([sub.filter.sources ?? null, stream]);
      let current = cache.get(key);
      if (!current) cache.set(key, (current = this.aggregator.now(stream, sub.filter.sources, now)));
      const points = [...(sub.pending.get(stream)?.values() ?? [])]
        .filter((p) => inRange(sub, Date.parse(p.t)))
        .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
      const sent = sub.sent.get(stream);
      if (!points.length && sent?.movingAverage === current.movingAverage && sent.volume === current.volume) continue;
      out[stream] = { points, ...current };
      changed = true;
    }
    return changed ? out : undefined;
  }

  /** Whether the client's queue is over the slow bound; disconnects one that stayed slow too long. */
  private isSlow(c: Client, now: number): boolean {
    if (c.socket.bufferedAmount <= this.slowBytes) {
      c.slowSince = undefined;
      return false;
    }
    c.slowSince ??= now;
    if (now - c.slowSince > this.slowTimeoutMs && c.socket.readyState === c.socket.OPEN) {
      log.warn({ bufferedBytes: c.socket.bufferedAmount, slowMs: now - c.slowSince }, 'live client too slow for too long; disconnecting it');
      c.socket.close(closeTooSlow, 'client too slow');
      // A peer that reads nothing would not read the close frame either.
      setTimeout(() => c.socket.terminate(), 1000).unref();
    }
    return true;
  }

  /** Every `statusMs`: lag and store probed once for all clients, then one status each. */
  private async status(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      const [lag, store] = await Promise.allSettled([
        withTimeout(this.deps.bus.lag(ClassifierGroup, Topics.raw)),
        withTimeout(this.deps.store.ping()),
      ]);
      const now = Date.now();
      this.health = {
        bus: lag.status === 'fulfilled' ? 'ok' : 'error',
        store: store.status === 'fulfilled' ? 'ok' : 'error',
        lag: lag.status === 'fulfilled' ? lag.value : null,
        throughput: Math.round((this.added / Math.max(1, now - this.addedSince)) * 1000 * 10) / 10,
      };
      this.added = 0;
      this.addedSince = now;
      const at = new Date(now).toISOString();
      for (const c of this.clients) {
        if (!this.isSlow(c, now)) this.send(c, { type: 'status', at, ...this.health, clients: this.clients.size, dropped: c.dropped });
      }
    } finally {
      this.probing = false;
    }
  }

  private sendError(client: Client, code: LiveErrorCode, message: string): void {
    this.send(client, { type: 'error', code, message });
  }

  private send(client: Client, event: ServerEvent): void {
    this.sendRaw(client, JSON.stringify(event));
  }

  private sendRaw(client: Client, json: string): void {
    const { socket } = client;
    if (socket.readyState !== socket.OPEN) return;
    socket.send(json);
    if (socket.bufferedAmount > this.maxBufferedBytes) {
      log.warn({ bufferedBytes: socket.bufferedAmount }, 'live client queue over its bound; disconnecting it');
      socket.terminate();
    }
  }
}

function inRange(sub: LiveSub, ms: number): boolean {
  return !sub.range || (ms >= sub.range.from && ms < sub.range.to);
}

/** One series from the per-source series of one stream: buckets with equal `t` summed. */
function mergeSeries(points: LivePoint[]): LivePoint[] {
  const byT = new Map<string, LivePoint>();
  for (const p of points) {
    const before = byT.get(p.t);
    byT.set(p.t, before ? mergePoint(before, p) : p);
  }
  return [...byT.values()].sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
}

function withTimeout<T>(p: Promise<T>): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${statusProbeTimeoutMs} ms`)), statusProbeTimeoutMs).unref()),
  ]);
}
