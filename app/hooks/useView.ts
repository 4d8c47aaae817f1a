/** The view lives in the URL (so a link shares it); this reads and replaces it there. */
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { parseView, viewQuery, type View } from '../lib/view.ts';

export function useView(): [View, (view: View) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = params.toString();
  const view = useMemo(() => parseView(new URLSearchParams(query)), [query]);
  const setView = useCallback(
    (next: View) => router.replace(`${pathname}?${viewQuery(next)}`, { scroll: false }),
    [router, pathname],
  );
  return [view, setView];
}
