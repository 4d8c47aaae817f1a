/**
 * State that lives in the page's URL, so a link shares it (the overview's view and its trend
 * measure, the alert history's and the audit log's filters): read with `parse`, written with
 * `toQuery`'s `key=value&…` without scrolling the page. A state that names the parameters it
 * `owns` replaces only those, so two states can share one URL (the overview's view and the
 * trend's measure); without, it replaces the whole query (empty: the bare path).
 */
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { replaceParams } from '../lib/url-params.ts';

export function useUrlState<T>(
  parse: (params: URLSearchParams) => T,
  toQuery: (state: T) => string,
  owns?: readonly string[],
): [T, (next: T) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = params.toString();
  const state = useMemo(() => parse(new URLSearchParams(query)), [parse, query]);
  const setState = useCallback(
    (next: T) => {
      const q = replaceParams(query, toQuery(next), owns);
      router.replace(q ? `${pathname}?${q}` : pathname, { scroll: false });
    },
    // `owns` is a module constant at every call site.
    [router, pathname, toQuery, query],
  );
  return [state, setState];
}
