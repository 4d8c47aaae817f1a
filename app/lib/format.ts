/** Number and time formats shared by the components (local time, 24-hour clock). */

export const percent = (part: number, whole: number): string => (whole ? `${((100 * part) / whole).toFixed(1)} %` : '–');

export const score = (value: number | null): string => (value === null ? '–' : (value >= 0 ? '+' : '') + value.toFixed(2));

export const count = (value: number): string => value.toLocaleString('en-US');

export function clock(ms: number, withDate = false): string {
  const d = new Date(ms);
  const time = d.toLocaleTimeString('en-GB', { hour12: false });
  return withDate ? `${d.toLocaleDateString('en-CA')} ${time}` : time;
}

/** A moment in a list: the time of day, with the date when it is not today. */
export function moment(ms: number, now = Date.now()): string {
  return clock(ms, new Date(ms).toDateString() !== new Date(now).toDateString());
}

/** Axis ticks: seconds for short windows, minutes for longer, dates beyond a day. */
export function axisTime(ms: number, spanMs: number): string {
  const d = new Date(ms);
  if (spanMs <= 15 * 60_000) return d.toLocaleTimeString('en-GB', { hour12: false });
  const hm = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });
  return spanMs <= 86_400_000 ? hm : `${d.toLocaleDateString('en-CA', { month: '2-digit', day: '2-digit' })} ${hm}`;
}

/** A length of time in the largest unit that keeps it short: "45 s", "12 min", "3 h 5 min". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 120) return `${min} min`;
  return `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
}

/** A z-score: signed, one decimal. */
export const zScore = (z: number): string => (z >= 0 ? '+' : '−') + Math.abs(z).toFixed(1);
