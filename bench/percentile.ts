/** Nearest-rank percentile of an ascending array (p in [0, 1]). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : NaN;
}

/** p50 / p90 / p99 and the maximum of unsorted figures (nearest rank; NaN when there are none). */
export function quantiles(xs: readonly number[]): { p50: number; p90: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 0.5), p90: percentile(s, 0.9), p99: percentile(s, 0.99), max: s.at(-1) ?? NaN };
}
