/**
 * The deployed detector: every tick (1 s) it reads the newly completed seconds of every
 * watched stream from `sentiment_1s` in one query, feeds each stream's {@link StreamDetector},
 * and turns its decisions into alert versions in the `alerts` table, each handed to `notify`
 * (delivery to the stream's channels).
 *
 * - A second is read once it is `settleMs` old, so messages still in flight land in it first.
 * - A stream seen for the first time (a start, a new stream, a changed alert rule) is fed the
 *   history its detector needs first (the drift's reference hour and window, 71 minutes, see
 *   `historySeconds`), read in its own query, so a restart does not blind the detector. Only
 *   the last decision per alert of that history counts, and an alert already stored is not
 *   announced again: restarts neither lose nor repeat alerts (alert ids derive
 *   from the episode, so a re-raised episode has the id it had).
 * - A raise is `opened`, a severity that rose `escalated`, a new peak `updated`, the end
 *   `resolved`; every version carries the episode's opening and peak (lib/anomaly/stream-detector.ts).
 * - People act on alerts too (lib/alerts/actions.ts): an acknowledged alert stays acknowledged
 *   when the detector escalates it, and one a person resolved stays resolved.
 */
import type { Alert, AlertEvent } from '../alerts/alert.ts';
import { nextAlertVersion } from '../alerts/versions.ts';
import { explain } from '../anomaly/explain.ts';
import { parseAlertRule, ruleDefaults, type AlertRuleInput } from '../anomaly/rules.ts';
import type { StreamSecond } from '../anomaly/signals.ts';
import { replaySeconds } from '../anomaly/replay.ts';
import { historySeconds, StreamDetector, type Decision } from '../anomaly/stream-detector.ts';
import { toAlert } from '../anomaly/to-alert.ts';
import { log } from '../log.ts';
import type { AlertRepository } from '../store/alerts.ts';
import type { SignalRepository } from '../store/signals.ts';
import type { StoredChannel, StreamRecord } from '../streams/stream.ts';

/** What the loop watches: the keyword streams, plus "all messages" when it is watched. */
export interface WatchedStream {
  id: string;
  name: string;
  rule: AlertRuleInput;
  channels: readonly StoredChannel[];
}

export interface DetectorLoopDeps {
  signals: Pick<SignalRepository, 'streamSeconds' | 'termCounts' | 'exampleMessages'>;
  alerts: Pick<AlertRepository, 'getMany' | 'insert'>;
  /** The current list, read at every tick (StreamRegistry.streams + the "all" stream). */
  streams(): readonly WatchedStream[];
  /** Delivers an alert event; called after the version is stored, not awaited. */
  notify(alert: Alert, event: AlertEvent, channels: readonly StoredChannel[]): void;
  /** How old a second must be before it is read. */
  settleMs: number;
  /** The resolve hold of streams whose rule sets none (PULSE_ALERT_RESOLVE_AFTER_MS; default: the rules' own). */
  resolveAfterMs?: number;
  now?: () => number;
}

interface Watched {
  stream: WatchedStream;
  /** JSON of the rule the detector was built with: another rule needs another detector. */
  ruleKey: string;
  detector: StreamDetector;
  /** The first second (epoch s) not fed yet. */
  next: number;
  /** Set until the history has been fed. */
  backfill: boolean;
}

export function watchedStreams(streams: readonly StreamRecord[], all: WatchedStream | null): WatchedStream[] {
  const watched: WatchedStream[] = streams.map((s) => ({ id: s.id, name: s.name, rule: s.rule, channels: s.channels }));
  return all ? [all, ...watched] : watched;
}

export class DetectorLoop {
  private readonly watched = new Map<string, Watched>();
  private readonly now: () => number;

  constructor(private readonly deps: DetectorLoopDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Streams being watched (after the last tick). */
  get size(): number {
    return this.watched.size;
  }

  /** One tick: read, detect, store and notify. Resolves when the tick's alerts are stored. */
  async tick(): Promise<void> {
    const end = Math.floor((this.now() - this.deps.settleMs) / 1000);
    this.sync(end);
    const due = [...this.watched.values()].filter((w) => w.next < end);
    if (!due.length) return;
    // Streams fed their history are read apart from the others: one new stream's 71 minutes
    // must not make the tick read 71 minutes of every stream.
    const byStream = new Map<string, StreamSecond[]>();
    for (const group of [due.filter((w) => w.backfill), due.filter((w) => !w.backfill)]) {
      if (!group.length) continue;
      const from = Math.min(...group.map((w) => w.next));
      for (const r of await this.deps.signals.streamSeconds(group.map((w) => w.stream.id), new Date(from * 1000), new Date(end * 1000))) {
        const list = byStream.get(r.stream);
        if (list) list.push(r);
        else byStream.set(r.stream, [r]);
      }
    }
    for (const w of due) {
      const decisions = this.feed(w, byStream.get(w.stream.id) ?? [], end);
      const backfill = w.backfill;
      w.backfill = false;
      if (decisions.length) await this.apply(w.stream, backfill ? lastPerAlert(decisions) : decisions, backfill);
    }
  }

  /** Adds new streams, rebuilds those whose rule changed, drops deleted ones. */
  private sync(end: number): void {
    const current = new Map(this.deps.streams().map((s) => [s.id, s]));
    for (const id of this.watched.keys()) if (!current.has(id)) this.watched.delete(id);
    for (const stream of current.values()) {
      const ruleKey = JSON.stringify(stream.rule);
      const known = this.watched.get(stream.id);
      if (known && known.ruleKey === ruleKey) {
        known.stream = stream;
        continue;
      }
      let rules;
      try {
        rules = parseAlertRule(stream.rule, ruleDefaults(this.deps.resolveAfterMs));
      } catch (err) {
        // Rules are checked when saved; one stored by other code that no longer parses costs only its stream.
        if (!known) log.error({ stream: stream.id, err: (err as Error).message }, 'alert rule does not parse; stream not watched');
        this.watched.delete(stream.id);
        continue;
      }
      // Everything the detector tests needs its history: the drift's reference hour is the longest.
      const history = historySeconds(rules);
      this.watched.set(stream.id, { stream, ruleKey, detector: new StreamDetector(stream.id, rules), next: end - history, backfill: true });
    }
  }

  /** Feeds the stream's seconds in [next, end); the last one is fed even when silent, so time moves on. */
  private feed(w: Watched, seconds: readonly StreamSecond[], end: number): Decision[] {
    const decisions = replaySeconds(w.detector, seconds.filter((s) => s.t >= w.next * 1000), (end - 1) * 1000);
    w.next = end;
    return decisions;
  }

  private async apply(stream: WatchedStream, decisions: readonly Decision[], backfill: boolean): Promise<void> {
    const stored = await this.deps.alerts.getMany([...new Set(decisions.map((d) => d.alertId))]);
    for (const d of decisions) {
      const previous = stored.get(d.alertId);
      const change = await this.alertFor(stream, d, previous);
      if (!change) continue;
      const alert = nextAlertVersion(previous, change.alert, this.now());
      if (!alert) continue;
      await this.deps.alerts.insert(alert);
      stored.set(alert.id, alert);
      log.info({ alert: alert.id, stream: stream.id, event: change.event, severity: alert.severity, z: alert.z }, 'alert');
      // An episode that began and ended while the detector was not looking is recorded, not announced.
      if (!(backfill && change.event === 'resolved' && !previous)) this.deps.notify(alert, change.event, stream.channels);
    }
  }

  /** The alert a decision amounts to given what is stored, or null when there is nothing new. */
  private async alertFor(stream: WatchedStream, d: Decision, previous: Alert | undefined): Promise<{ alert: Alert; event: AlertEvent } | null> {
    if (previous?.status === 'resolved') return null;
    // An explanation is looked up once, at the raise: later versions of the same episode keep it,
    // with no second look-up while the stream is at its busiest.
    const explained = async () => (previous ? { topTerms: previous.topTerms, examples: previous.examples } : await this.explain(d));
    if (d.type === 'resolve') {
      return { alert: { ...keepStory(toAlert(d, { ...(await explained()), streamName: stream.name }), previous), resolvedBy: 'detector' }, event: 'resolved' };
    }
    // A raise the store already has is a restart re-raising its episode, an escalation to the
    // stored severity the same replayed, a peak no higher than the stored one old news.
    if (previous && d.type === 'raise') return null;
    if (previous && d.type === 'escalate' && previous.severity === d.severity) return null;
    if (previous && d.type === 'update' && Math.abs(d.peak.z) <= Math.abs(previous.peak?.z ?? 0)) return null;
    const alert = keepStory(toAlert(d, { ...(await explained()), streamName: stream.name }), previous);
    return { alert, event: !previous ? 'opened' : d.type === 'escalate' ? 'escalated' : 'updated' };
  }

  /** An explanation that cannot be looked up must not cost the alert: it goes out without one. */
  private async explain(d: Decision): Promise<Parameters<typeof toAlert>[1]> {
    try {
      return await explain(this.deps.signals, d);
    } catch (err) {
      log.warn({ alert: d.alertId, err: (err as Error).message }, 'alert explanation failed; sending the alert without terms and examples');
      return { topTerms: [], examples: [] };
    }
  }
}

/**
 * The stored opening stays, and the peak is the larger of the stored one and the detector's: a
 * restarted detector knows only the part of the episode it replayed.
 */
function keepStory(alert: Alert, previous: Alert | undefined): Alert {
  if (!previous) return alert;
  const peak = previous.peak && (!alert.peak || Math.abs(previous.peak.z) >= Math.abs(alert.peak.z)) ? previous.peak : alert.peak;
  const opening = previous.opening ?? alert.opening;
  return { ...alert, ...(opening ? { opening } : {}), ...(peak ? { peak } : {}) };
}

/** Of the history's decisions, only where each alert ended up. */
function lastPerAlert(decisions: readonly Decision[]): Decision[] {
  const last = new Map<string, Decision>();
  for (const d of decisions) {
    last.delete(d.alertId);
    last.set(d.alertId, d);
  }
  return [...last.values()];
}
