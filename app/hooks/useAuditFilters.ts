/** The audit log's filters live in the URL (so a link shares them); this reads and replaces them there. */
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { auditFiltersQuery, parseAuditFilters, type AuditFilters } from '../lib/audit-filters.ts';

export function useAuditFilters(): [AuditFilters, (filters: AuditFilters) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = params.toString();
  const filters = useMemo(() => parseAuditFilters(new URLSearchParams(query)), [query]);
  const setFilters = useCallback(
    (next: AuditFilters) => {
      const q = auditFiltersQuery(next);
      router.replace(q ? `${pathname}?${q}` : pathname, { scroll: false });
    },
    [router, pathname],
  );
  return [filters, setFilters];
}
