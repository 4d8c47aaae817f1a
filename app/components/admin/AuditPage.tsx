'use client';
import { DataTable, type Column } from '../DataTable.tsx';
import { useUrlState } from '../../hooks/useUrlState.ts';
import { useAuditLog } from '../../hooks/useAuditLog.ts';
import { auditFiltersQuery, isAuditFiltered, parseAuditFilters } from '../../lib/audit-filters.ts';
import { LoadMore } from '../LoadMore.tsx';
import { Notice } from '../Notice.tsx';
import { AuditFiltersForm } from './AuditFiltersForm.tsx';
import { AuditRow } from './AuditRow.tsx';

/** The table's columns, in the order each row renders its cells. */
const columns: Column[] = [
  { label: 'Time' },
  { label: 'Actor' },
  { label: 'Action' },
  { label: 'Target' },
  { label: 'Address' },
  { label: 'Detail' },
];

/** The audit log: filters (kept in the URL), the entries newest first, page by page. */
export function AuditPage() {
  const [filters, setFilters] = useUrlState(parseAuditFilters, auditFiltersQuery);
  const log = useAuditLog(filters);

  return (
    <>
      <header className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-slate-200 bg-white px-4 py-3">
        <h1 className="text-xl font-bold">Audit log</h1>
        <p className="flex-1 text-sm text-slate-600">Who changed streams, alerts, keys and users, and every sign-in, newest first. Kept without expiry; secrets are never recorded.</p>
      </header>
      <main className="space-y-4 p-4">
        <AuditFiltersForm filters={filters} onChange={setFilters} />
        {log.error && (
          <Notice kind="error" title="The audit log could not be loaded">
            {log.error}{' '}
            <button type="button" onClick={log.entries.length ? log.loadMore : log.retry} className="ml-1 rounded border border-slate-500 px-2 py-0.5 hover:bg-white">Retry</button>
          </Notice>
        )}
        {log.entries.length === 0 ? (
          log.loading ? (
            <p role="status" className="text-sm text-slate-600">Loading the audit log…</p>
          ) : (
            !log.error && (
              <Notice kind="empty" title={isAuditFiltered(filters) ? 'No entries match these filters' : 'Nothing recorded yet'}>
                {isAuditFiltered(filters) ? 'Clear a filter or pick a longer time range.' : 'Changes to streams, keys and users, alert actions and sign-ins appear here.'}
              </Notice>
            )
          )
        ) : (
          <DataTable testId="audit" caption="Audit log, newest first" columns={columns}>
            {log.entries.map((e, i) => (
              // Entries have no id in the API; time, action and target with the position are unique within a list.
              <AuditRow key={`${e.at}|${e.action}|${e.target.id}|${i}`} entry={e} />
            ))}
          </DataTable>
        )}
        {log.entries.length > 0 && (
          <LoadMore shown={log.entries.length} noun={['entry', 'entries']} more={log.more} loading={log.loading} onLoadMore={log.loadMore} />
        )}
      </main>
    </>
  );
}
