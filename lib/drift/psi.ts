/**
 * Population stability index: how far one distribution moved from a reference, the measure
 * model monitoring uses for "the traffic no longer looks like what the model was measured
 * on". Under 0.1 is the same population; 0.1–0.2 a shift worth watching; over 0.2 a
 * different population (the usual reading of PSI, and PULSE_DRIFT_PSI's default).
 */

/**
 * Σ (c − r) · ln(c / r) over the bins' shares. Each count gets half a message first, so an
 * empty bin on one side is a large but finite difference rather than an infinite one.
 */
export function psi(reference: readonly number[], current: readonly number[]): number {
  if (reference.length !== current.length) throw new Error(`psi over ${reference.length} and ${current.length} bins`);
  const share = (counts: readonly number[]) => {
    const total = counts.reduce((a, b) => a + b, 0) + 0.5 * counts.length;
    return counts.map((c) => (c + 0.5) / total);
  };
  const r = share(reference);
  const c = share(current);
  return r.reduce((sum, ri, i) => sum + (c[i]! - ri) * Math.log(c[i]! / ri), 0);
}

/**
 * Groups of adjacent fine bins holding about a tenth of the reference each (its deciles), so
 * every group the index compares has enough reference mass to be measured: a model's
 * confidence sits mostly above 0.6, and fixed-width bins below it would only add noise.
 */
export function decileGroups(reference: readonly number[], groups = 10): number[][] {
  const total = reference.reduce((a, b) => a + b, 0);
  const out: number[][] = [[]];
  let seen = 0;
  reference.forEach((count, bin) => {
    out.at(-1)!.push(bin);
    seen += count;
    if (total > 0 && seen >= (out.length * total) / groups && bin < reference.length - 1) out.push([]);
  });
  return out.filter((g) => g.length > 0);
}

/** The counts of each group of fine bins. */
export function regroup(counts: readonly number[], groups: readonly number[][]): number[] {
  return groups.map((g) => g.reduce((sum, bin) => sum + (counts[bin] ?? 0), 0));
}
