'use client';
import { useEffect, useState } from 'react';
import { useUrlState } from '../../hooks/useUrlState.ts';
import { useAlertHistory } from '../../hooks/useAlertHistory.ts';
import { useLiveAlerts } from '../../hooks/useLiveAlerts.ts';
import { useSession } from '../../hooks/useSession.ts';
import { useStreams } from '../../hooks/useStreams.ts';
import { alertFiltersQuery, isFiltered, parseAlertFilters } from '../../lib/alert-filters.ts';
import { ConnectionBadge } from '../ConnectionBadge.tsx';
import { LoadMore } from '../LoadMore.tsx';
import { Notice } from '../Notice.tsx';
import { AlertFiltersForm } from './AlertFiltersForm.tsx';
import { AlertRow } from './AlertRow.tsx';
import { LinkedAlert } from './LinkedAlert.tsx';

/** How often the list reloads while live updates are down. */
const pollMs = 5_000;

/**
 * The alert history: filters (kept in the URL), the alerts newest first with their actions and
 * details, page by page. A live `alert` event (any version of any alert) reloads what is shown;
 * without the live connection the list reloads every few seconds.
 */
export function AlertsPage() {
  const [filters, setFilters] = useUrlState(parseAlertFilters, alertFiltersQuery);
  const { streams, names } = useStreams();
  const history = useAlertHistory(filters);
  const [expanded, setExpanded] = useState<string | null>(null);
  const connection = useLiveAlerts(history.refresh);
  const canAct = useSession().can('edit');

  const live = connection.state === 'open';
  const { refresh } = history;
  useEffect(() => {
    if (live) return;
    const poll = setInterval(refresh, pollMs);
    return () => clearInterval(poll);
  }, [live, refresh]);

  return (
    <>
      <header className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-slate-200 bg-white px-4 py-3">
        <h1 className="text-xl font-bold">Alerts <span className="font-normal text-slate-600">history</span></h1>
        <ConnectionBadge connection={connection} streaming={live} meanwhile={`the list reloads every ${pollMs / 1000} s meanwhile`} />
        {!canAct && <p className="text-sm text-slate-700">Acknowledging and resolving alerts needs the editor or admin role.</p>}
      </header>
      <main className="space-y-4 p-4">
        <LinkedAlert names={names} canAct={canAct} />
        <AlertFiltersForm filters={filters} streams={streams} onChange={setFilters} />
        {history.error && (
          <Notice kind="error" title="The alerts could not be loaded">
            {history.error}{' '}
            <button type="button" onClick={history.refresh} className="ml-1 rounded border border-slate-500 px-2 py-0.5 hover:bg-white">
              Retry
            </button>
          </Notice>
        )}
        {history.alerts.length === 0 ? (
          history.loading ? (
            <p role="status" className="text-sm text-slate-600">Loading the alerts…</p>
          ) : (
            !history.error && (
              <Notice kind="empty" title={isFiltered(filters) ? 'No alerts match these filters' : 'No alerts yet'}>
                {isFiltered(filters)
                  ? 'Clear a filter or pick a longer time range.'
                  : 'The detector raises an alert when a stream’s sentiment or volume shifts; it appears here at once.'}
              </Notice>
            )
          )
        ) : (
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-left text-sm" data-testid="alerts">
              <caption className="sr-only">Alerts, newest opened first</caption>
              <thead className="bg-slate-100 text-xs text-slate-700">
                <tr>
                  <th scope="col" className="py-1.5 pr-2 pl-3 font-medium">Severity</th>
                  <th scope="col" className="pr-2 font-medium">Status</th>
                  <th scope="col" className="pr-2 font-medium">Stream</th>
                  <th scope="col" className="pr-2 font-medium">What happened</th>
                  <th scope="col" className="pr-2 font-medium">Opened</th>
                  <th scope="col" className="pr-2 font-medium">Resolved</th>
                  <th scope="col" className="pr-2 text-right font-medium">Peak z / PSI</th>
                  <th scope="col" className="pr-3 text-right font-medium"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              {history.alerts.map((a) => (
                <AlertRow
                  key={a.id}
                  alert={a}
                  names={names}
                  expanded={expanded === a.id}
                  canAct={canAct}
                  onToggle={() => setExpanded((e) => (e === a.id ? null : a.id))}
                  onChange={history.replace}
                />
              ))}
            </table>
          </div>
        )}
        {history.alerts.length > 0 && (
          <LoadMore shown={history.alerts.length} noun={['alert', 'alerts']} more={history.more} loading={history.loading} onLoadMore={history.loadMore} />
        )}
      </main>
    </>
  );
}
