import { TrendMeasures, type TrendMeasure } from '../lib/trend-measure.ts';

const names: Record<TrendMeasure, string> = { share: 'Shares %', score: 'Mean score' };

/** Picks what the trend's one y axis shows: two buttons, the chosen one pressed. */
export function TrendMeasureToggle({ value, onChange }: { value: TrendMeasure; onChange(measure: TrendMeasure): void }) {
  return (
    <span role="group" aria-label="Show on the trend" className="inline-flex overflow-hidden rounded border border-slate-400 text-xs">
      {TrendMeasures.map((m) => (
        <button
          key={m}
          type="button"
          aria-pressed={value === m}
          onClick={() => onChange(m)}
          className={`px-2 py-0.5 ${value === m ? 'bg-slate-800 text-white' : 'bg-white hover:bg-slate-100'}`}
        >
          {names[m]}
        </button>
      ))}
    </span>
  );
}
