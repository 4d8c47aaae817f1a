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

/** A legend entry for points drawn without a line: faint dots in the series' colour. */
export function DotKey({ colour, name }: { colour: string; name: string }) {
  return (
    <span className="inline-flex items-center gap-1 text-xs text-slate-700">
      <svg width="28" height="8" aria-hidden="true" fill={colour} fillOpacity={0.4}>
        <circle cx="4" cy="4" r="2" />
        <circle cx="14" cy="4" r="2" />
        <circle cx="24" cy="4" r="2" />
      </svg>
      {name}
    </span>
  );
}
