/**
 * The dashboard's view (window, stream, source) and its URL form, so a view can be shared by
 * link: `?window=5m|1h|24h`, or `?from=…&to=…` for a custom range, plus `stream=` and `source=`.
 */
import { AllStreamsId } from '../../lib/contracts/api.ts';
import { MaxCustomWindowMs, NamedWindows, type LiveWindow, type NamedWindow } from '../../lib/contracts/live.ts';

export interface View {
  window: LiveWindow;
  /** A keyword stream id; null = every message. */
  stream: string | null;
  source: string | null;
}

/** The URL parameters the view owns; others (the trend's `trend=`) stay when it changes. */
export const ViewParams = ['window', 'from', 'to', 'stream', 'source'] as const;

const defaultView: View = { window: '5m', stream: null, source: null };

const isNamed = (w: string | null): w is NamedWindow => w !== null && Object.hasOwn(NamedWindows, w);

/** Reads a view from the query string; what does not parse falls back to the defaults. */
export function parseView(params: URLSearchParams): View {
  const stream = params.get('stream')?.trim() || null;
  const source = params.get('source')?.trim() || null;
  const from = Date.parse(params.get('from') ?? '');
  const to = Date.parse(params.get('to') ?? '');
  const custom = from < to && to - from <= MaxCustomWindowMs;
  const named = params.get('window');
  const window: LiveWindow = custom
    ? { from: new Date(from).toISOString(), to: new Date(to).toISOString() }
    : isNamed(named) ? named : defaultView.window;
  return { window, stream, source };
}

export function viewQuery(view: View): string {
  const params = new URLSearchParams();
  if (typeof view.window === 'string') params.set('window', view.window);
  else {
    params.set('from', view.window.from);
    params.set('to', view.window.to);
  }
  if (view.stream) params.set('stream', view.stream);
  if (view.source) params.set('source', view.source);
  return params.toString();
}

/** The key the hub reports the view's stream under. */
export const streamKey = (view: View): string => view.stream ?? AllStreamsId;

/** The window as absolute times [from, to) at `now`. */
export function windowRange(window: LiveWindow, now: number): { from: number; to: number } {
  if (typeof window !== 'string') return { from: Date.parse(window.from), to: Date.parse(window.to) };
  return { from: now - NamedWindows[window].ms, to: now };
}

export function windowTitle(window: LiveWindow): string {
  if (window === '5m') return 'last 5 minutes';
  if (window === '1h') return 'last hour';
  if (window === '24h') return 'last 24 hours';
  return 'custom range';
}
