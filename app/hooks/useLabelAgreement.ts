/**
 * How often people agreed with the model in the view (`/api/labels/agreement`): loaded when the
 * view changes, after every label given on this page, and in a live window every
 * {@link refreshMs} (labels given elsewhere, the window moving on).
 */
import { useEffect, useState } from 'react';
import type { AgreementResponse } from '../../lib/contracts/labels.ts';
import { errorText } from '../lib/api.ts';
import { fetchAgreement, onLabelled } from '../lib/labels-api.ts';
import { parseView, viewQuery, windowRange, type View } from '../lib/view.ts';

export const refreshMs = 15_000;

export interface AgreementState {
  /** Null until the view's first answer. */
  agreement: AgreementResponse | null;
  error: string | null;
}

export function useLabelAgreement(view: View): AgreementState {
  const key = viewQuery(view);
  const [state, setState] = useState<AgreementState & { key: string }>({ key, agreement: null, error: null });

  useEffect(() => {
    // The view is read back from its key: a new object holding the same view must not reload.
    const { window: span, stream, source } = parseView(new URLSearchParams(key));
    const abort = new AbortController();
    const load = () => {
      fetchAgreement({ stream, source, ...windowRange(span, Date.now()) }, abort.signal).then(
        (agreement) => setState({ key, agreement, error: null }),
        (err: unknown) => abort.signal.aborted || setState((s) => ({ key, agreement: s.key === key ? s.agreement : null, error: errorText(err) })),
      );
    };
    load();
    const stopListening = onLabelled(load);
    const timer = typeof span === 'string' ? setInterval(load, refreshMs) : undefined;
    return () => {
      abort.abort();
      stopListening();
      clearInterval(timer);
    };
  }, [key]);

  return state.key === key ? { agreement: state.agreement, error: state.error } : { agreement: null, error: null };
}
