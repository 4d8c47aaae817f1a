/** One legend entry of a line chart: a sample of the line (colour and dash) and its name. */
export function LineKey({ colour, dash, name, width = 2 }: { colour: string; dash: number[]; name: string; width?: number }) {
  return (
    <span className="inline-flex items-center gap-1 text-xs text-slate-700">
      <svg width="28" height="8" aria-hidden="true">
        <line x1="0" y1="4" x2="28" y2="4" stroke={colour} strokeWidth={width} strokeDasharray={dash.join(' ')} />
      </svg>
      {name}
    </span>
  );
}
