/**
 * The time axis's ticks (app/lib/time-ticks.ts): a step from the range and the width, ticks at
 * round LOCAL times (a +05:30 zone, a summer-time change), 24-hour labels, the date at midnight.
 * The zone is set per test through TZ, which Node reads again when it changes.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { MinTickSpacingPx, tickLabel, tickStep, timeTicks } from '../../app/lib/time-ticks.ts';

const sec = 1000;
const min = 60 * sec;
const hour = 60 * min;
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());
const zone = process.env.TZ;

describe('time-axis ticks', () => {
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('chooses the finest round step that leaves 80 px a tick', () => {
    assert.equal(MinTickSpacingPx, 80);
    assert.equal(tickStep(5 * min, 900), 30 * sec); // 11 ticks fit
    assert.equal(tickStep(5 * min, 400), 2 * min); // 5 fit: 1 min would make 6
    assert.equal(tickStep(hour, 900), 10 * min);
    assert.equal(tickStep(24 * hour, 900), 3 * hour);
    assert.equal(tickStep(24 * hour, 500), 6 * hour);
    assert.equal(tickStep(41 * 24 * hour, 900), 7 * 24 * hour);
    assert.equal(tickStep(20 * sec, 900), 2 * sec);
  });

  it('puts ticks on round times in UTC', () => {
    process.env.TZ = 'UTC';
    const from = Date.parse('2026-03-05T10:00:07Z');
    assert.deepEqual(iso(timeTicks(from, Date.parse('2026-03-05T10:02:00Z'), 30 * sec)), [
      '2026-03-05T10:00:30.000Z', '2026-03-05T10:01:00.000Z', '2026-03-05T10:01:30.000Z', '2026-03-05T10:02:00.000Z',
    ]);
    assert.deepEqual(iso(timeTicks(Date.parse('2026-03-05T10:10:00Z'), Date.parse('2026-03-05T10:30:00Z'), 10 * min)), [
      '2026-03-05T10:10:00.000Z', '2026-03-05T10:20:00.000Z', '2026-03-05T10:30:00.000Z',
    ]);
  });

  it('puts hour ticks on the local hour in a +05:30 zone', () => {
    process.env.TZ = 'Asia/Kolkata';
    const ticks = timeTicks(Date.parse('2026-03-05T00:10:00Z'), Date.parse('2026-03-05T03:00:00Z'), hour);
    assert.deepEqual(iso(ticks), ['2026-03-05T00:30:00.000Z', '2026-03-05T01:30:00.000Z', '2026-03-05T02:30:00.000Z']);
    assert.deepEqual(ticks.map((t) => tickLabel(t, hour)), ['06:00', '07:00', '08:00']);
  });

  it('follows the clock where summer time ends', () => {
    process.env.TZ = 'Europe/Berlin';
    // 2026-10-25: 03:00 CEST (UTC+2) becomes 02:00 CET (UTC+1).
    const hourly = timeTicks(Date.parse('2026-10-24T23:30:00Z'), Date.parse('2026-10-25T03:30:00Z'), hour);
    assert.deepEqual(hourly.map((t) => tickLabel(t, hour)), ['02:00', '02:00', '03:00', '04:00']);
    const twoHourly = timeTicks(Date.parse('2026-10-24T22:00:00Z'), Date.parse('2026-10-25T05:00:00Z'), 2 * hour);
    assert.deepEqual(iso(twoHourly), ['2026-10-24T22:00:00.000Z', '2026-10-25T00:00:00.000Z', '2026-10-25T03:00:00.000Z', '2026-10-25T05:00:00.000Z']);
    assert.deepEqual(twoHourly.map((t) => tickLabel(t, 2 * hour)), ['10-25', '02:00', '04:00', '06:00']);
  });

  it('puts day ticks on local midnights, labelled with the date', () => {
    process.env.TZ = 'UTC';
    const days = timeTicks(Date.parse('2026-03-01T10:00:00Z'), Date.parse('2026-03-05T00:00:00Z'), 24 * hour);
    assert.deepEqual(days.map((t) => tickLabel(t, 24 * hour)), ['03-02', '03-03', '03-04', '03-05']);
  });

  it('labels on the 24-hour clock, with seconds only below a minute', () => {
    process.env.TZ = 'UTC';
    assert.equal(tickLabel(Date.parse('2026-03-05T23:15:30Z'), 30 * sec), '23:15:30');
    assert.equal(tickLabel(Date.parse('2026-03-05T23:10:00Z'), 10 * min), '23:10');
    assert.equal(tickLabel(Date.parse('2026-03-05T13:00:00Z'), 3 * hour), '13:00');
  });
});
