import type { BadgeStyle } from '../lib/palette.ts';

/** Glyph + name in the colour's frame: readable without telling colours apart. */
export function Badge({ style }: { style: BadgeStyle }) {
  return (
    <span
      className="inline-flex items-center gap-1 rounded border-2 bg-white px-1.5 text-xs font-semibold whitespace-nowrap text-slate-900"
      style={{ borderColor: style.colour }}
    >
      <span aria-hidden="true" style={{ color: style.colour }}>
        {style.glyph}
      </span>
      {style.name}
    </span>
  );
}
