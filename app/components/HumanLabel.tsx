import type { Label } from '../../lib/contracts/messages.ts';
import { labelStyles } from '../lib/palette.ts';

const name = (l: Label) => labelStyles[l].name.toLowerCase();

/** A person's label beside the model's, as "person: negative · model: positive"; nothing when nobody labelled it. */
export function HumanLabel({ human, model }: { human: Label | null; model: Label }) {
  if (!human) return null;
  return (
    <span className="text-xs text-slate-700" data-testid="human-label">
      person: <strong className="font-semibold">{name(human)}</strong> · model: {name(model)}
    </span>
  );
}
