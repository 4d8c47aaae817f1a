/** How a state that owns some of a URL's parameters writes them back (app/hooks/useUrlState.ts). */

/**
 * `query` with the parameters in `owns` replaced by those of `written`; without `owns`, the
 * written query alone (the state owns the whole URL).
 */
export function replaceParams(query: string, written: string, owns?: readonly string[]): string {
  const merged = new URLSearchParams(owns ? query : '');
  for (const key of owns ?? []) merged.delete(key);
  for (const [key, value] of new URLSearchParams(written)) merged.append(key, value);
  return merged.toString();
}
