/**
 * A moment picked in two fields, a date and a 24-hour "HH:MM" time, in local time. Chromium's
 * `datetime-local` shows a 12-hour AM/PM clock wherever the browser's locale has one, while the
 * rest of the app writes 24-hour times; a text field for the time reads the same everywhere.
 */

/** The time field's pattern: 24-hour "HH:MM" (a leading zero may be left out: "9:05"). */
export const timePattern = '([01]?[0-9]|2[0-3]):[0-5][0-9]';
const timeRe = new RegExp(`^${timePattern}$`);
const dateRe = /^(\d{4})-(\d{2})-(\d{2})$/;

const pad = (n: number) => String(n).padStart(2, '0');

/** The fields' values for `iso`: `{date: '2025-03-04', time: '23:15'}` in local time. */
export function localParts(iso: string): { date: string; time: string } {
  const d = new Date(iso);
  return { date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`, time: `${pad(d.getHours())}:${pad(d.getMinutes())}` };
}

/**
 * The moment in the fields named `name` (e.g. "From"), epoch ms; null when both are empty. A
 * date without a time is the day's start, or, for the `end` of a range, its end (the next
 * midnight), so "from 03-04 to 03-04" is that whole day.
 */
export function readMoment(name: string, date: string, time: string, side: 'start' | 'end'): { ms: number | null } | { error: string } {
  const day = dateRe.exec(date.trim());
  const clock = time.trim();
  if (!day) return date.trim() || clock ? { error: `Pick a date for ${name}.` } : { ms: null };
  if (clock && !timeRe.test(clock)) return { error: `Write the ${name} time as HH:MM on the 24-hour clock (e.g. 23:15).` };
  const [hours, minutes] = clock ? clock.split(':').map(Number) : [side === 'end' ? 24 : 0, 0];
  const ms = new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3]), hours, minutes).getTime();
  return Number.isNaN(ms) ? { error: `Pick a date for ${name}.` } : { ms };
}
