'use client';
import { useState, type CSSProperties } from 'react';
import type { TermKind, TermStat } from '../../lib/contracts/api.ts';
import { Labels, type Label } from '../../lib/contracts/messages.ts';
import { useTerms } from '../hooks/useTerms.ts';
import { count, duration } from '../lib/format.ts';
import { labelStyles } from '../lib/palette.ts';
import type { Selection } from '../lib/selection.ts';
import { windowTitle, type View } from '../lib/view.ts';

const kinds: Array<{ kind: TermKind; name: string }> = [
  { kind: 'term', name: 'Terms' },
  { kind: 'hashtag', name: 'Hashtags' },
  { kind: 'mention', name: 'Mentions' },
];

/** The bar's segments differ in texture as the distribution chart's slices do: negative striped, neutral dotted. */
const segmentTexture: Record<Label, string | undefined> = {
  negative: 'repeating-linear-gradient(135deg, rgba(255,255,255,0.6) 0 2px, transparent 2px 5px)',
  neutral: 'radial-gradient(rgba(255,255,255,0.7) 1px, transparent 1.5px) 0 0 / 4px 4px',
  positive: undefined,
};

const split = (t: TermStat) => Labels.map((l) => `${t[l]} ${labelStyles[l].name.toLowerCase()}`).join(', ');

/** The lift as a factor, with a glyph when the term clearly rose or fell. */
function liftText(lift: number | null): string {
  if (lift === null) return '–';
  const factor = `×${lift < 10 ? lift.toFixed(1) : Math.round(lift).toLocaleString('en-US')}`;
  return lift >= 1.5 ? `▲ ${factor}` : lift <= 1 / 1.5 ? `▼ ${factor}` : factor;
}

function SplitBar({ term, widthPercent }: { term: TermStat; widthPercent: number }) {
  return (
    <div className="flex h-3 overflow-hidden rounded-sm" style={{ width: `${widthPercent}%` }} title={split(term)} aria-hidden="true">
      {Labels.map((l) => {
        const style: CSSProperties = { width: `${(100 * term[l]) / term.count}%`, backgroundColor: labelStyles[l].colour };
        if (segmentTexture[l]) style.background = `${segmentTexture[l]}, ${labelStyles[l].colour}`;
        return term[l] > 0 && <span key={l} data-label={l} style={style} />;
      })}
    </div>
  );
}

/**
 * The view's top terms, hashtags and mentions (`/api/terms`), each with its sentiment split and
 * its lift against the period of the same length before; a term opens the drill-down of the
 * messages holding it.
 */
export function TermsPanel({ view, onPick }: { view: View; onPick(selection: Selection): void }) {
  const { terms, error } = useTerms(view);
  const [kind, setKind] = useState<TermKind>('term');
  const shown = terms?.terms.filter((t) => t.kind === kind) ?? [];
  const most = Math.max(1, ...shown.map((t) => t.count));
  const pick = (t: TermStat) =>
    terms && onPick({ title: `“${t.term}”, ${windowTitle(view.window)}`, from: Date.parse(terms.from), to: Date.parse(terms.to), label: null, q: t.term });
  const span = terms ? Date.parse(terms.to) - Date.parse(terms.from) : 0;

  return (
    <section aria-labelledby="terms-title" className="rounded-lg border border-slate-200 bg-white p-3" data-testid="terms-panel">
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="terms-title" className="flex-1 font-semibold">
          What people talk about
          {terms && (
            <span className="ml-2 text-sm font-normal text-slate-600">
              in {count(terms.messages)} messages; lift against the {duration(span)} before
            </span>
          )}
        </h2>
        <div role="tablist" aria-label="Kind of term" className="flex overflow-hidden rounded border border-slate-400 text-sm">
          {kinds.map((k) => (
            <button
              key={k.kind}
              type="button"
              role="tab"
              id={`terms-tab-${k.kind}`}
              aria-selected={kind === k.kind}
              aria-controls="terms-list"
              onClick={() => setKind(k.kind)}
              className={kind === k.kind ? 'bg-slate-800 px-2 py-0.5 text-white' : 'px-2 py-0.5 hover:bg-slate-100'}
            >
              {k.name}
            </button>
          ))}
        </div>
      </div>
      {error && <p role="status" className="mt-1 text-sm text-slate-700">⚠ The terms could not be loaded: {error}</p>}
      <div id="terms-list" role="tabpanel" aria-labelledby={`terms-tab-${kind}`} className="mt-2">
        {!terms ? (
          !error && <p role="status" className="text-sm text-slate-600">Loading the top terms…</p>
        ) : shown.length === 0 ? (
          <p className="text-sm text-slate-600">No {kinds.find((k) => k.kind === kind)!.name.toLowerCase()} in these messages.</p>
        ) : (
          <table className="w-full table-fixed text-sm">
            <caption className="sr-only">Top {kind}s by messages holding them, with their sentiment split and lift</caption>
            <thead className="text-left text-xs text-slate-600">
              <tr>
                <th className="w-40 font-normal">{kinds.find((k) => k.kind === kind)!.name.replace(/s$/, '').toLowerCase()}</th>
                <th className="font-normal">sentiment split</th>
                <th className="w-20 text-right font-normal">messages</th>
                <th className="w-20 text-right font-normal" title="Share of messages now over the share in the period before">lift</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {shown.map((t) => (
                <tr key={t.term} data-term={t.term}>
                  <td className="truncate py-0.5">
                    <button type="button" onClick={() => pick(t)} className="max-w-full truncate text-left underline decoration-slate-300 hover:decoration-slate-700" title={`List the messages holding ${t.term}`}>
                      {t.term}
                    </button>
                  </td>
                  <td>
                    <SplitBar term={t} widthPercent={Math.max(4, (100 * t.count) / most)} />
                    <span className="sr-only">{split(t)}</span>
                  </td>
                  <td className="text-right tabular-nums">{count(t.count)}</td>
                  <td className="text-right tabular-nums" data-testid="lift">{liftText(t.lift)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <p className="mt-2 flex flex-wrap gap-3 text-xs text-slate-600" aria-hidden="true">
        {Labels.map((l) => (
          <span key={l}>
            <span style={{ color: labelStyles[l].colour }}>{labelStyles[l].glyph}</span> {labelStyles[l].name}
          </span>
        ))}
      </p>
    </section>
  );
}
