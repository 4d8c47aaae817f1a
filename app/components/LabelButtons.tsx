import { Labels, type Label } from '../../lib/contracts/messages.ts';
import { labelStyles } from '../lib/palette.ts';

/**
 * "Mark as" negative / neutral / positive for an editor; the person's current label is pressed
 * (`current` undefined: the buttons act on a selection, which has no one label). `compact`:
 * glyphs only (a drill-down row), the names stay as the buttons' accessible names.
 */
export function LabelButtons({ current, busy, compact = false, title = 'Mark the sentiment as', onLabel }: {
  current?: Label | null;
  busy: boolean;
  compact?: boolean;
  /** The group's accessible name. */
  title?: string;
  onLabel(label: Label): void;
}) {
  return (
    <span role="group" aria-label={title} className="inline-flex overflow-hidden rounded border border-slate-400 text-xs">
      {Labels.map((l) => {
        const style = labelStyles[l];
        return (
          <button
            key={l}
            type="button"
            disabled={busy}
            aria-pressed={current === undefined ? undefined : current === l}
            aria-label={compact ? `Mark as ${style.name.toLowerCase()}` : undefined}
            title={`Mark as ${style.name.toLowerCase()}`}
            onClick={() => onLabel(l)}
            className={`px-1.5 py-0.5 disabled:opacity-50 ${current === l ? 'bg-slate-800 text-white' : 'hover:bg-slate-100'}`}
          >
            <span aria-hidden="true" style={current === l ? undefined : { color: style.colour }}>{style.glyph}</span>
            {!compact && ` ${style.name}`}
          </button>
        );
      })}
    </span>
  );
}
