/**
 * Time-axis ticks at round local times (every 30 s, 5 min, 3 h, …), the step chosen from the
 * range and the axis's width, labelled on the 24-hour clock: the same rule in every window, so
 * the grid reads like a clock instead of Chart.js's evenly split numbers (23:12:02, 23:13:20).
 */

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const DayMs = 24 * hour;

/** The steps a tick may take: each divides a day (or is whole days), so ticks land on round times. */
export const TickSteps = [
  ...[1, 2, 5, 10, 15, 30].map((s) => s * second),
  ...[1, 2, 5, 10, 15, 30].map((m) => m * minute),
  ...[1, 2, 3, 6, 12].map((h) => h * hour),
  ...[1, 2, 7].map((d) => d * DayMs),
];

/** Room per tick: an "HH:MM:SS" label is about 50 px in the charts' 12-px font, plus space around it. */
export const MinTickSpacingPx = 80;

/** The finest step that puts at most one tick per {@link MinTickSpacingPx} over `spanMs` drawn `widthPx` wide. */
export function tickStep(spanMs: number, widthPx: number): number {
  const maxTicks = Math.max(2, Math.floor(widthPx / MinTickSpacingPx));
  return TickSteps.find((step) => Math.floor(spanMs / step) + 1 <= maxTicks) ?? TickSteps.at(-1)!;
}

/** Milliseconds since local midnight: clock fields, so a zone's offset and summer time count. */
function localTimeOfDay(ms: number): number {
  const d = new Date(ms);
  return ((d.getHours() * 60 + d.getMinutes()) * 60 + d.getSeconds()) * 1000 + d.getMilliseconds();
}

function nextLocalMidnight(ms: number, days: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days).getTime();
}

/** The ticks in [from, to] (epoch ms) every `step`, at local times that are multiples of it. */
export function timeTicks(from: number, to: number, step: number): number[] {
  const ticks: number[] = [];
  if (step >= DayMs) {
    // Whole days: local midnights (a day is 23 or 25 hours when summer time starts or ends).
    const first = localTimeOfDay(from) === 0 ? from : nextLocalMidnight(from, 1);
    for (let t = first; t <= to; t = nextLocalMidnight(t, step / DayMs)) ticks.push(t);
    return ticks;
  }
  const offset = localTimeOfDay(from) % step;
  for (let t = offset ? from + step - offset : from; t <= to; ) {
    ticks.push(t);
    t += step;
    // Where summer time starts or ends the clock jumps: move on to its next round time.
    const off = localTimeOfDay(t) % step;
    if (off) t += step - off;
  }
  return ticks;
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * A tick's label: the date (MM-DD) at local midnight, where a day begins; otherwise the time,
 * with seconds only while the step is under a minute.
 */
export function tickLabel(ms: number, step: number): string {
  const d = new Date(ms);
  if (localTimeOfDay(ms) === 0) return `${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  const hm = `${two(d.getHours())}:${two(d.getMinutes())}`;
  return step < minute ? `${hm}:${two(d.getSeconds())}` : hm;
}
