/** Number and time formats shared by the components (local time, 24-hour clock). */

export const percent = (part: number, whole: number): string => (whole ? `${((100 * part) / whole).toFixed(1)} %` : '–');

export const score = (value: number | null): string => (value === null ? '–' : (value >= 0 ? '+' : '') + value.toFixed(2));

export const count = (value: number): string => value.toLocaleString('en-US');

export function clock(ms: number, withDate = false): string {
  const d = new Date(ms);
  const time = d.toLocaleTimeString('en-GB', { hour12: false });
  return withDate ? `${d.toLocaleDateString('en-CA')} ${time}` : time;
}

/** Axis ticks: seconds for short windows, minutes for longer, dates beyond a day. */
export function axisTime(ms: number, spanMs: number): string {
  const d = new Date(ms);
  if (spanMs <= 15 * 60_000) return d.toLocaleTimeString('en-GB', { hour12: false });
  const hm = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });
  return spanMs <= 86_400_000 ? hm : `${d.toLocaleDateString('en-CA', { month: '2-digit', day: '2-digit' })} ${hm}`;
}
