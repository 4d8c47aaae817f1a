/**
 * The view's top terms from `/api/terms`: loaded when the view changes and, in a live window,
 * again every {@link refreshMs} over the window up to now. Terms move slowly next to the
 * per-tick counters, and each load reads the aggregate over the whole window (and the one
 * before it), so they are not reloaded on every tick. A failed refresh keeps the last answer on
 * screen, with the error beside it (useRefreshed).
 */
import type { TermsResponse } from '../../lib/contracts/api.ts';
import { fetchTerms } from '../lib/terms-api.ts';
import { parseView, viewQuery, windowRange, type View } from '../lib/view.ts';
import { useRefreshed } from './useRefreshed.ts';

export const refreshMs = 12_000;
/** Terms of each kind the panel lists. */
const perKind = 15;

export interface TermsState {
  /** Null until the view's first answer. */
  terms: TermsResponse | null;
  error: string | null;
}

export function useTerms(view: View): TermsState {
  const key = viewQuery(view);
  // The view is read back from its key: a new object holding the same view must not reload.
  const { window: span, stream, source } = parseView(new URLSearchParams(key));
  const { value, error } = useRefreshed(
    key,
    (signal) => fetchTerms({ stream, source, ...windowRange(span, Date.now()), limit: perKind }, signal),
    typeof span === 'string' ? refreshMs : null,
  );
  return { terms: value, error };
}
