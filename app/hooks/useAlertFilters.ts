/** The alert history's filters live in the URL (so a link shares them); this reads and replaces them there. */
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { alertFiltersQuery, parseAlertFilters, type AlertFilters } from '../lib/alert-filters.ts';

export function useAlertFilters(): [AlertFilters, (filters: AlertFilters) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = params.toString();
  const filters = useMemo(() => parseAlertFilters(new URLSearchParams(query)), [query]);
  const setFilters = useCallback(
    (next: AlertFilters) => {
      const q = alertFiltersQuery(next);
      router.replace(q ? `${pathname}?${q}` : pathname, { scroll: false });
    },
    [router, pathname],
  );
  return [filters, setFilters];
}
