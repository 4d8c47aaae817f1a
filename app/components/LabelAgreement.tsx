'use client';
import { useLabelAgreement } from '../hooks/useLabelAgreement.ts';
import { count } from '../lib/format.ts';
import type { View } from '../lib/view.ts';

/**
 * One line on the overview: how often people agreed with the model over the messages of the
 * view they labelled ("People agreed with the model on 41 of 50 labelled messages (82 %)").
 */
export function LabelAgreement({ view }: { view: View }) {
  const { agreement, error } = useLabelAgreement(view);
  if (error) return <p className="text-sm text-slate-600" data-testid="label-agreement">People's labels could not be counted: {error}</p>;
  if (!agreement) return null;
  const { labelled, agreed } = agreement;
  return (
    <p className="rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm" data-testid="label-agreement">
      {labelled === 0
        ? 'Nobody has labelled a message of this view yet.'
        : `People agreed with the model on ${count(agreed)} of ${count(labelled)} labelled message${labelled === 1 ? '' : 's'} (${Math.round((100 * agreed) / labelled)} %).`}
    </p>
  );
}
