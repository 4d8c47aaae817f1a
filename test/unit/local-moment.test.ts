/** The 24-hour date and time fields' reading (app/lib/local-moment.ts), in the process's local time. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localParts, readMoment } from '../../app/lib/local-moment.ts';

describe('a moment in a date and a 24-hour time field', () => {
  it('reads 23:15 as a quarter past eleven at night, and shows it back the same', () => {
    const read = readMoment('From', '2025-03-04', '23:15', 'start');
    assert.deepEqual(read, { ms: new Date(2025, 2, 4, 23, 15).getTime() });
    assert.deepEqual(localParts(new Date((read as { ms: number }).ms).toISOString()), { date: '2025-03-04', time: '23:15' });
  });

  it('takes a date alone as the start of the day, or its end for the end of a range', () => {
    assert.deepEqual(readMoment('From', '2025-03-04', '', 'start'), { ms: new Date(2025, 2, 4).getTime() });
    assert.deepEqual(readMoment('To', '2025-03-04', ' ', 'end'), { ms: new Date(2025, 2, 5).getTime() });
    assert.deepEqual(readMoment('To', '', '', 'end'), { ms: null });
  });

  it('refuses 12-hour, out-of-range and dateless times with what to write', () => {
    for (const time of ['11:15 PM', '24:00', '7:60', '2315']) {
      assert.deepEqual(readMoment('From', '2025-03-04', time, 'start'), { error: 'Write the From time as HH:MM on the 24-hour clock (e.g. 23:15).' }, time);
    }
    assert.deepEqual(readMoment('To', '', '10:00', 'end'), { error: 'Pick a date for To.' });
    assert.deepEqual(readMoment('To', '04/03/2025', '10:00', 'end'), { error: 'Pick a date for To.' });
  });
});
