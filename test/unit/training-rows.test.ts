/**
 * An uploaded training set judged row by row (lib/training/): CSV quoting (RFC 4180: commas,
 * doubled quotes and line breaks inside quotes), JSONL, every refusal reason, and line numbers
 * counted from the header as line 1 (a quoted line break makes a row span two lines; the next
 * row's number counts both).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MaxTrainingSetRows } from '../../lib/contracts/training-sets.ts';
import { isPulseError } from '../../lib/errors.ts';
import { MaxTextChars } from '../../lib/message.ts';
import { csvRows } from '../../lib/training/csv-rows.ts';
import { parseTrainingSet } from '../../lib/training/parse-set.ts';

describe('CSV training sets', () => {
  it('reads quoted fields as RFC 4180 writes them, with the line each row starts on', () => {
    const csv = 'text,label\r\n"Fees up, again",negative\r\n"She said ""fine"" and left",neutral\r\n"two\r\nlines",positive\r\nplain text,Positive\r\n';
    const { rows, refusals } = parseTrainingSet(csv, 'csv');
    assert.deepEqual(refusals, []);
    assert.deepEqual(rows, [
      { line: 2, text: 'Fees up, again', label: 'negative' },
      { line: 3, text: 'She said "fine" and left', label: 'neutral' },
      { line: 4, text: 'two\nlines', label: 'positive' },
      { line: 6, text: 'plain text', label: 'positive' },
    ]);
  });

  it('finds the columns by the header, in any order, other columns ignored; blank lines are no rows', () => {
    const { rows } = parseTrainingSet('\uFEFFid,Label,TEXT\n1,neutral,hello\n\n2,negative,bye\n', 'csv');
    assert.deepEqual(rows, [
      { line: 2, text: 'hello', label: 'neutral' },
      { line: 4, text: 'bye', label: 'negative' },
    ]);
  });

  it('refuses each bad row with its line and reason, and keeps the rest', () => {
    const long = 'x'.repeat(MaxTextChars + 1);
    const csv = [
      'text,label',
      'good one,positive', // 2
      ',negative', // 3 empty
      '"   ",neutral', // 4 empty once trimmed
      '&nbsp;,neutral', // 5 empty once decoded, as ingest decodes
      `${long},positive`, // 6 too long
      'fine,great', // 7 unknown label
      'no label,', // 8 missing label
      'a,b,c', // 9 too many fields
      '"closed"early,negative', // 10 text after a closing quote
      'good one,negative', // 11 duplicate of line 2
      ' good one ,negative', // 12 duplicate once trimmed
      'last,neutral', // 13
    ].join('\n');
    const { rows, refusals } = parseTrainingSet(csv, 'csv');
    assert.deepEqual(rows.map((r) => r.line), [2, 13]);
    assert.deepEqual(refusals.map((r) => r.line), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const reason = (line: number) => refusals.find((r) => r.line === line)!.reason;
    assert.equal(reason(3), 'text is empty');
    assert.equal(reason(4), 'text is empty');
    assert.equal(reason(5), 'text is empty');
    assert.equal(reason(6), `text is longer than ${MaxTextChars} characters`);
    assert.equal(reason(7), 'unknown label "great": use negative, neutral or positive');
    assert.match(reason(8), /^label is missing/);
    assert.equal(reason(9), 'malformed CSV: 3 fields where the header has 2');
    assert.match(reason(10), /^malformed CSV: a quoted field goes on after its closing quote/);
    assert.equal(reason(11), 'duplicate text: the same as line 2');
    assert.equal(reason(12), 'duplicate text: the same as line 2');
  });

  it('reports a quote never closed at the line it opens, with how much it swallowed', () => {
    const { rows, refusals } = parseTrainingSet('text,label\nok,positive\n"open,negative\nmore,neutral\n', 'csv');
    assert.deepEqual(rows.map((r) => r.line), [2]);
    assert.equal(refusals.length, 1);
    assert.equal(refusals[0]!.line, 3);
    assert.match(refusals[0]!.reason, /never closed .*2 lines/);
  });

  it('refuses a file without a text,label header, or with nothing at all, as a whole', () => {
    for (const csv of ['', 'hello,positive\n', 'words,sentiment\nhello,positive\n']) {
      assert.throws(() => csvRows(csv), (err) => isPulseError(err, 'TRAINING_SET_INVALID'), JSON.stringify(csv));
    }
  });

  it('refuses a file with more rows than a set may have', () => {
    const csv = `text,label\n${Array.from({ length: MaxTrainingSetRows + 1 }, (_, i) => `t${i},neutral`).join('\n')}`;
    assert.throws(() => parseTrainingSet(csv, 'csv'), (err) => isPulseError(err, 'BODY_TOO_LARGE'));
  });
});

describe('JSONL training sets', () => {
  it('reads one object a line, line 1 the first, with each refusal reason', () => {
    const jsonl = [
      '{"text":"Great service","label":"positive"}', // 1
      '', // 2 blank: no row
      '{"text":"Meh","label":"neutral","source":"survey"}', // 3 other keys ignored
      '{"text":"broken"', // 4 not JSON
      '["text","label"]', // 5 not an object
      '{"label":"negative"}', // 6 no text
      '{"text":"ok","label":"good"}', // 7 unknown label
      '{"text":"Great service","label":"negative"}', // 8 duplicate of 1
      '{"text":"","label":"negative"}', // 9 empty
    ].join('\r\n');
    const { rows, refusals } = parseTrainingSet(jsonl, 'jsonl');
    assert.deepEqual(rows, [
      { line: 1, text: 'Great service', label: 'positive' },
      { line: 3, text: 'Meh', label: 'neutral' },
    ]);
    assert.deepEqual(refusals.map((r) => r.line), [4, 5, 6, 7, 8, 9]);
    assert.match(refusals[0]!.reason, /^malformed line: not JSON/);
    assert.match(refusals[1]!.reason, /^malformed line: not a JSON object/);
    assert.equal(refusals[2]!.reason, 'text is missing');
    assert.match(refusals[3]!.reason, /^unknown label "good"/);
    assert.equal(refusals[4]!.reason, 'duplicate text: the same as line 1');
    assert.equal(refusals[5]!.reason, 'text is empty');
  });
});
