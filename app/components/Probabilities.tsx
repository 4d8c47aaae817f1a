import { Labels, type Probs } from '../../lib/contracts/messages.ts';
import { labelStyles } from '../lib/palette.ts';

/** A message's three probabilities as labelled bars with their values. */
export function Probabilities({ probs }: { probs: Probs }) {
  return (
    <dl className="space-y-1 text-sm">
      {Labels.map((l) => (
        <div key={l} className="grid grid-cols-[6rem_1fr_3.5rem] items-center gap-2">
          <dt>
            <span aria-hidden="true" style={{ color: labelStyles[l].colour }}>{labelStyles[l].glyph}</span> {labelStyles[l].name}
          </dt>
          <dd className="contents">
            <span className="h-2.5 rounded bg-slate-100" aria-hidden="true">
              <span className="block h-full rounded" style={{ width: `${probs[l] * 100}%`, background: labelStyles[l].colour }} />
            </span>
            <span className="text-right tabular-nums" data-testid={`prob-${l}`}>{probs[l].toFixed(3)}</span>
          </dd>
        </div>
      ))}
    </dl>
  );
}
