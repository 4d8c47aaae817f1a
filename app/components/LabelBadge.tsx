import type { Label } from '../../lib/sentiment.ts';
import { labelStyles } from '../lib/palette.ts';

/** A label as glyph + name in its colour's frame: readable without telling colours apart. */
export function LabelBadge({ label }: { label: Label }) {
  const style = labelStyles[label];
  return (
    <span
      className="inline-flex items-center gap-1 rounded border-2 bg-white px-1.5 text-xs font-semibold text-slate-900"
      style={{ borderColor: style.colour }}
    >
      <span aria-hidden="true" style={{ color: style.colour }}>
        {style.glyph}
      </span>
      {style.name}
    </span>
  );
}
