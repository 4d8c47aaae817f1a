/**
 * Drives the overview for a view: one live connection for the page's lifetime (re-subscribed
 * when the view changes), a REST snapshot for the first paint, the REST poll while the hub
 * cannot be reached, and at most one React update per animation frame. Alerts raised before the
 * page opened come from `/api/alerts` (the hub only relays new versions), with the REST poll too.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Alert } from '../../lib/contracts/alerts.ts';
import { toLiveAlert, windowBucket, type ClientEventOf } from '../../lib/contracts/live.ts';
import { fetchAlerts } from '../lib/alerts-api.ts';
import { ApiError, errorText, fetchStats } from '../lib/api.ts';
import { perFrame } from '../lib/frame.ts';
import { LiveClient, liveUrl, type Connection } from '../lib/live-client.ts';
import { OverviewModel, type Overview } from '../lib/overview.ts';
import { viewQuery, windowRange, type View } from '../lib/view.ts';

/** How often the charts refresh from `/api/stats` while live updates are down. */
const pollMs = 5_000;
/** Per alerts query: more open alerts than this is an incident for the Alerts page, not a banner. */
const alertsLoaded = 50;

function subscription(view: View): ClientEventOf<'subscribe'> {
  return {
    type: 'subscribe',
    streams: view.stream ? [view.stream] : 'all',
    window: view.window,
    ...(view.source ? { sources: [view.source] } : {}),
  };
}

function explain(err: unknown): string {
  if (err instanceof ApiError) {
    return err.code === 'NETWORK'
      ? 'The Pulse server does not answer. Is it running (npm start)? Its log says why it stopped.'
      : `The server refused the statistics query: ${err.message} (${err.code}).`;
  }
  return `Loading the statistics failed: ${(err as Error).message}`;
}

/**
 * The view's open alerts whenever they were raised, and every alert opened in its window (the
 * chart markers); the hub sends later versions of both.
 */
async function viewAlerts(view: View, range: { from: number; to: number }, signal: AbortSignal): Promise<Alert[]> {
  const stream = view.stream;
  const to = typeof view.window === 'string' ? null : range.to;
  const [open, inWindow] = await Promise.all([
    fetchAlerts({ stream, status: 'open', limit: alertsLoaded }, signal),
    fetchAlerts({ stream, from: range.from, to, limit: alertsLoaded }, signal),
  ]);
  return [...open.alerts, ...inWindow.alerts];
}

export interface OverviewControls {
  overview: Overview;
  togglePause(): void;
  reload(): void;
  /** Shows an alert's new version at once (the answer to Acknowledge), before the hub relays it. */
  applyAlert(alert: Alert): void;
}

export function useOverview(view: View): OverviewControls {
  const connection = useRef<Connection>({ state: 'connecting' });
  const [first] = useState(() => new OverviewModel(view, connection.current));
  const model = useRef(first);
  const [overview, setOverview] = useState(() => first.value());
  const [reloads, setReloads] = useState(0);
  const [frame] = useState(() => perFrame(() => setOverview(model.current.value())));
  const live = useRef<LiveClient | null>(null);

  useEffect(() => {
    const client = new LiveClient(liveUrl(window.location), {
      event: (event) => {
        model.current.apply(event);
        frame.schedule();
      },
      connection: (c) => {
        connection.current = c;
        model.current.setConnection(c);
        frame.schedule();
      },
    });
    live.current = client;
    return () => {
      client.close();
      frame.cancel();
    };
  }, [frame]);

  const key = viewQuery(view);
  useEffect(() => {
    const current = new OverviewModel(view, connection.current);
    model.current = current;
    live.current?.subscribe(subscription(view));
    frame.schedule();

    const abort = new AbortController();
    const load = () => {
      const range = windowRange(view.window, Date.now());
      const { from, to } = range;
      fetchStats({ stream: view.stream, source: view.source, from, to, bucket: windowBucket(view.window) }, abort.signal).then(
        (res) => current.restSnapshot(res),
        (err: unknown) => abort.signal.aborted || current.restFailed(explain(err)),
      ).finally(() => frame.schedule());
      viewAlerts(view, range, abort.signal).then(
        (alerts) => current.restAlerts(alerts.map(toLiveAlert)),
        (err: unknown) => abort.signal.aborted || current.restAlertsFailed(errorText(err)),
      ).finally(() => frame.schedule());
    };
    load();
    const poll = setInterval(() => current.isStreaming || load(), pollMs);
    return () => {
      abort.abort();
      clearInterval(poll);
    };
    // `key` is the view's identity; the view object itself is new on every render.
  }, [key, reloads]);

  const togglePause = useCallback(() => {
    model.current.togglePause();
    frame.schedule();
  }, [frame]);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const applyAlert = useCallback(
    (alert: Alert) => {
      model.current.restAlerts([toLiveAlert(alert)]);
      frame.schedule();
    },
    [frame],
  );
  return { overview, togglePause, reload, applyAlert };
}
