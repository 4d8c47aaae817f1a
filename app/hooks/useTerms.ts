/**
 * The view's top terms from `/api/terms`: loaded when the view changes and, in a live window,
 * again every {@link refreshMs} over the window up to now. Terms move slowly next to the
 * per-tick counters, and each load reads the aggregate over the whole window (and the one
 * before it), so they are not reloaded on every tick.
 */
import { useEffect, useState } from 'react';
import type { TermsResponse } from '../../lib/contracts/api.ts';
import { errorText } from '../lib/api.ts';
import { fetchTerms } from '../lib/terms-api.ts';
import { parseView, viewQuery, windowRange, type View } from '../lib/view.ts';

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
  const [state, setState] = useState<TermsState & { key: string }>({ key, terms: null, error: null });

  useEffect(() => {
    // The view is read back from its key: a new object holding the same view must not reload.
    const { window: span, stream, source } = parseView(new URLSearchParams(key));
    const abort = new AbortController();
    const load = () => {
      fetchTerms({ stream, source, ...windowRange(span, Date.now()), limit: perKind }, abort.signal).then(
        (terms) => setState({ key, terms, error: null }),
        // A failed refresh keeps the last answer on screen, with the error beside it.
        (err: unknown) => abort.signal.aborted || setState((s) => ({ key, terms: s.key === key ? s.terms : null, error: errorText(err) })),
      );
    };
    load();
    const timer = typeof span === 'string' ? setInterval(load, refreshMs) : undefined;
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, [key]);

  // What an earlier view loaded is never shown for this one.
  return state.key === key ? { terms: state.terms, error: state.error } : { terms: null, error: null };
}
