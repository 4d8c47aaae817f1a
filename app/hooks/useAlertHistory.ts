/**
 * The alert history for a set of filters: the first page of `/api/alerts`, "load more" pages,
 * and a quiet refresh of everything loaded (one call, up to the API's page limit) when an alert
 * changes, so new alerts appear on top and changed ones update in place without the list
 * jumping back to its first page.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { alertFiltersQuery, alertsQuery, parseAlertFilters, type AlertFilters } from '../lib/alert-filters.ts';
import { fetchAlerts, type Alert } from '../lib/alerts-api.ts';
import { errorText } from '../lib/api.ts';

const pageSize = 50;
/** The API's largest page: a refresh reloads at most this many. */
const maxPage = 500;

type Mode = 'first' | 'more' | 'refresh';

interface State {
  key: string;
  alerts: Alert[];
  cursor?: string;
  loading: boolean;
  error: string | null;
}

export interface AlertHistory {
  alerts: Alert[];
  loading: boolean;
  error: string | null;
  more: boolean;
  loadMore(): void;
  /** Reloads what is shown; while a load is on its way, once it is done. */
  refresh(): void;
  /** Puts an alert's new version in the list (an action's optimistic guess, then its answer). */
  replace(alert: Alert): void;
}

export function useAlertHistory(filters: AlertFilters): AlertHistory {
  const key = alertFiltersQuery(filters);
  const [state, setState] = useState<State>({ key, alerts: [], loading: true, error: null });
  const latest = useRef(state);
  latest.current = state;
  const inFlight = useRef<AbortController | null>(null);
  const refreshAfter = useRef(false);

  const run = useCallback(
    (mode: Mode) => {
      if (mode === 'refresh' && inFlight.current) {
        refreshAfter.current = true;
        return;
      }
      inFlight.current?.abort();
      const controller = new AbortController();
      inFlight.current = controller;
      const now = latest.current.key === key ? latest.current : { alerts: [] as Alert[], cursor: undefined };
      const limit = mode === 'refresh' ? Math.min(maxPage, Math.max(pageSize, now.alerts.length)) : pageSize;
      const cursor = mode === 'more' ? now.cursor : undefined;
      if (mode === 'first') setState({ key, alerts: [], loading: true, error: null });
      if (mode === 'more') setState((s) => ({ ...s, loading: true, error: null }));

      fetchAlerts({ ...alertsQuery(parseAlertFilters(new URLSearchParams(key)), Date.now()), limit, ...(cursor ? { cursor } : {}) }, controller.signal)
        .then(
          (page) =>
            setState((s) => {
              const alerts = mode === 'more' ? [...s.alerts, ...page.alerts.filter((a) => !s.alerts.some((b) => b.id === a.id))] : page.alerts;
              return { key, alerts, ...(page.nextCursor ? { cursor: page.nextCursor } : {}), loading: false, error: null };
            }),
          (err: unknown) => controller.signal.aborted || setState((s) => ({ ...s, loading: false, error: errorText(err) })),
        )
        .finally(() => {
          if (inFlight.current !== controller) return;
          inFlight.current = null;
          if (refreshAfter.current && !controller.signal.aborted) {
            refreshAfter.current = false;
            run('refresh');
          }
        });
    },
    [key],
  );

  useEffect(() => {
    refreshAfter.current = false;
    run('first');
    return () => inFlight.current?.abort();
  }, [run]);

  const replace = useCallback((alert: Alert) => {
    setState((s) => ({ ...s, alerts: s.alerts.map((a) => (a.id === alert.id ? alert : a)) }));
  }, []);

  const current = state.key === key;
  return {
    alerts: current ? state.alerts : [],
    loading: !current || state.loading,
    error: current ? state.error : null,
    more: current && Boolean(state.cursor),
    loadMore: useCallback(() => run('more'), [run]),
    refresh: useCallback(() => run('refresh'), [run]),
    replace,
  };
}
