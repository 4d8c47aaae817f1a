/**
 * Everything the overview shows for one view, and how each source changes it: the REST
 * snapshot (first paint, and while the hub is unreachable), the hub's snapshot (which then
 * wins) and its ticks, sampled messages, alerts and status. Mutated per event, read once per
 * frame with `value()`.
 */
import type { LiveAlert, LiveMessage, ServerEvent, ServerEventOf } from '../../lib/contracts/live.ts';
import type { StatsResponse } from './api.ts';
import type { Connection } from './live-client.ts';
import { mergeAlerts } from './live-alerts.ts';
import { SeriesState, type Series } from './series.ts';
import { streamKey, type View } from './view.ts';

/** Messages the live feed keeps (newest first). */
const feedSize = 50;
const alertsKept = 50;

export interface Feed {
  messages: LiveMessage[];
  paused: boolean;
  /** Messages that arrived while paused; shown on resume. */
  held: number;
}

export interface Overview {
  view: View;
  /** Null until the first snapshot arrived. */
  series: Series | null;
  /** Whether the series follows the hub; false while it comes from `/api/stats`. */
  streaming: boolean;
  /** Why the series could not be loaded (REST or hub); null when it could. */
  error: string | null;
  feed: Feed;
  /** Every version seen, one entry per alert (its latest), oldest opened first. */
  alerts: LiveAlert[];
  /** Why the alerts raised before the page opened could not be loaded; null when they could. */
  alertsError: string | null;
  status: ServerEventOf<'status'> | null;
  /** Raw messages not yet classified, from the latest tick or status. */
  lag: number | null;
  connection: Connection;
}

export class OverviewModel {
  private series: SeriesState | null = null;
  private streaming = false;
  /** Set from subscribe to its snapshot: ticks and messages meanwhile belong to the previous view. */
  private awaitingSnapshot = true;
  private error: string | null = null;
  private feed: LiveMessage[] = [];
  private held: LiveMessage[] = [];
  private heldCount = 0;
  private paused = false;
  private alerts: LiveAlert[] = [];
  private alertsError: string | null = null;
  private status: ServerEventOf<'status'> | null = null;
  private lag: number | null = null;

  constructor(
    readonly view: View,
    private connection: Connection,
  ) {}

  get isStreaming(): boolean {
    return this.streaming;
  }

  restSnapshot(res: StatsResponse): void {
    if (this.streaming) return; // the hub's snapshot is newer and grows by ticks
    const live = typeof this.view.window === 'string';
    this.series = new SeriesState(Date.parse(res.from), Date.parse(res.to), res.bucket, live, res.buckets);
    this.error = null;
  }

  restFailed(message: string): void {
    if (!this.streaming) this.error = message;
  }

  /** Alerts from `/api/alerts` (open ones, those of the window) or the answer to an action on one. */
  restAlerts(alerts: readonly LiveAlert[]): void {
    this.alerts = mergeAlerts(this.alerts, alerts, alertsKept);
    this.alertsError = null;
  }

  restAlertsFailed(message: string): void {
    this.alertsError = message;
  }

  setConnection(connection: Connection): void {
    this.connection = connection;
    if (connection.state === 'open') return;
    // The REST poll takes over until the hub answers a fresh subscribe with a snapshot.
    this.streaming = false;
    this.awaitingSnapshot = true;
  }

  apply(event: ServerEvent): void {
    switch (event.type) {
      case 'snapshot': {
        if (!this.answersView(event)) return; // the answer to a subscribe made before this view
        const stream = event.streams[streamKey(this.view)];
        this.series = new SeriesState(
          Date.parse(event.from), Date.parse(event.to), event.bucket, event.live, stream?.buckets ?? [],
          stream?.movingAverage ?? null, stream?.volume ?? null,
        );
        this.streaming = true;
        this.awaitingSnapshot = false;
        this.error = null;
        return;
      }
      case 'tick': {
        if (this.awaitingSnapshot || !this.series) return;
        const stream = event.streams[streamKey(this.view)];
        if (stream) {
          this.series.add(stream.points);
          this.series.setNow(stream);
        }
        this.series.slide(Date.parse(event.at));
        this.lag = event.lag;
        return;
      }
      case 'message': {
        if (this.awaitingSnapshot) return;
        if (this.paused) {
          this.held = [event, ...this.held].slice(0, feedSize);
          this.heldCount++;
        } else this.feed = [event, ...this.feed].slice(0, feedSize);
        return;
      }
      case 'alert': {
        // Every version comes (opened, escalated, acknowledged, resolved): the latest replaces the entry.
        const { type: _type, ...alert } = event;
        this.alerts = mergeAlerts(this.alerts, [alert], alertsKept);
        return;
      }
      case 'status': {
        this.status = event;
        this.lag = event.lag;
        this.series?.slide(Date.parse(event.at));
        return;
      }
      case 'error': {
        this.error = `${event.message} (${event.code})`;
        return;
      }
    }
  }

  private answersView(snapshot: ServerEventOf<'snapshot'>): boolean {
    const { window, source } = this.view;
    const sameWindow =
      typeof window === 'string' || typeof snapshot.window === 'string'
        ? window === snapshot.window
        : Date.parse(window.from) === Date.parse(snapshot.window.from) && Date.parse(window.to) === Date.parse(snapshot.window.to);
    const sameSources = (snapshot.sources ?? []).join('\n') === (source ?? '');
    return sameWindow && sameSources && Object.hasOwn(snapshot.streams, streamKey(this.view));
  }

  togglePause(): void {
    this.paused = !this.paused;
    if (!this.paused) {
      this.feed = [...this.held, ...this.feed].slice(0, feedSize);
      this.held = [];
      this.heldCount = 0;
    }
  }

  value(): Overview {
    return {
      view: this.view,
      series: this.series?.value() ?? null,
      streaming: this.streaming,
      error: this.error,
      feed: { messages: this.feed, paused: this.paused, held: this.heldCount },
      alerts: this.alerts,
      alertsError: this.alertsError,
      status: this.status,
      lag: this.lag,
      connection: this.connection,
    };
  }
}
