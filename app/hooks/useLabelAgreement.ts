/**
 * How often people agreed with the model in the view (`/api/labels/agreement`): loaded when the
 * view changes, after every label given on this page, and in a live window every
 * {@link refreshMs} (labels given elsewhere, the window moving on).
 */
import type { AgreementResponse } from '../../lib/contracts/labels.ts';
import { fetchAgreement, onLabelled } from '../lib/labels-api.ts';
import { parseView, viewQuery, windowRange, type View } from '../lib/view.ts';
import { useRefreshed } from './useRefreshed.ts';

export const refreshMs = 15_000;

export interface AgreementState {
  /** Null until the view's first answer. */
  agreement: AgreementResponse | null;
  error: string | null;
}

export function useLabelAgreement(view: View): AgreementState {
  const key = viewQuery(view);
  // The view is read back from its key: a new object holding the same view must not reload.
  const { window: span, stream, source } = parseView(new URLSearchParams(key));
  const { value, error } = useRefreshed(
    key,
    (signal) => fetchAgreement({ stream, source, ...windowRange(span, Date.now()) }, signal),
    typeof span === 'string' ? refreshMs : null,
    onLabelled,
  );
  return { agreement: value, error };
}
