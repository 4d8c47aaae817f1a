/**
 * State that lives in the page's URL, so a link shares it (the overview's view, the alert
 * history's and the audit log's filters): read with `parse`, replaced with `toQuery`'s
 * `key=value&…` (empty: the bare path), without scrolling the page.
 */
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';

export function useUrlState<T>(parse: (params: URLSearchParams) => T, toQuery: (state: T) => string): [T, (next: T) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = params.toString();
  const state = useMemo(() => parse(new URLSearchParams(query)), [parse, query]);
  const setState = useCallback(
    (next: T) => {
      const q = toQuery(next);
      router.replace(q ? `${pathname}?${q}` : pathname, { scroll: false });
    },
    [router, pathname, toQuery],
  );
  return [state, setState];
}
