/**
 * A CSV training set (RFC 4180) into raw rows with their line numbers, the header being line 1.
 *
 * Records are found here and their fields parsed by csv-parse, one record at a time: a record
 * ends at the first line break outside quotes (its count of `"` so far is even, since quotes
 * only enclose fields or double inside them), so a line number is always the line a record
 * starts on, and a malformed record costs only itself. (Parsing the whole file in one go,
 * csv-parse stops at the first malformed record, and its resumption loses the next good one.)
 */
import { CsvError, parse } from 'csv-parse/sync';
import { PulseError } from '../errors.ts';
import type { RawRow } from './judge-rows.ts';

interface CsvRecord {
  /** 1-based line the record starts on. */
  line: number;
  source: string;
  /** A quote opened in it is never closed: it ran to the end of the file. */
  unclosed: boolean;
}

const quotes = (line: string) => line.split('"').length - 1;

function records(text: string): CsvRecord[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop(); // the file's last line break ends a line, it starts none
  const found: CsvRecord[] = [];
  let open: CsvRecord | null = null;
  let openQuotes = 0;
  lines.forEach((line, i) => {
    if (open) {
      open.source += `\n${line}`;
      openQuotes += quotes(line);
    } else if (line.trim() === '') {
      return; // a blank line between records is no row
    } else {
      open = { line: i + 1, source: line, unclosed: false };
      openQuotes = quotes(line);
    }
    if (openQuotes % 2 === 0) {
      found.push(open);
      open = null;
    }
  });
  if (open) found.push({ ...(open as CsvRecord), unclosed: true });
  return found;
}

/** What a CSV error means to the person who wrote the file. */
function malformed(err: unknown): string {
  if (err instanceof CsvError && err.code === 'CSV_INVALID_CLOSING_QUOTE') {
    return 'malformed CSV: a quoted field goes on after its closing quote (write a quote inside a field as "")';
  }
  if (err instanceof CsvError) return `malformed CSV: ${err.message.replace(/ (at|on) line \d+/g, '')}`;
  throw err;
}

function fieldsOf(record: CsvRecord): string[] | string {
  if (record.unclosed) return `malformed CSV: a quote opened on this line is never closed (the rest of the file, ${record.source.split('\n').length} lines, is read as one field)`;
  // Without quotes a record is its commas' pieces (RFC 4180), and most rows have none: csv-parse per record costs ~20 µs.
  if (!record.source.includes('"')) return record.source.split(',');
  try {
    const parsed = parse(record.source, { relax_column_count: true }) as string[][];
    return parsed[0] ?? [];
  } catch (err) {
    return malformed(err);
  }
}

/** The rows of a CSV set; the header must name a `text` and a `label` column (any order, other columns ignored). */
export function csvRows(text: string): RawRow[] {
  const [header, ...body] = records(text);
  if (!header) throw new PulseError('TRAINING_SET_INVALID', 'the file is empty: a CSV set starts with the header row text,label');
  const names = fieldsOf(header);
  if (typeof names === 'string') throw new PulseError('TRAINING_SET_INVALID', `line 1 (the header): ${names}`);
  const columns = names.map((n) => n.trim().toLowerCase());
  const textAt = columns.indexOf('text');
  const labelAt = columns.indexOf('label');
  if (textAt < 0 || labelAt < 0) {
    throw new PulseError('TRAINING_SET_INVALID', `line 1 must be a header naming the columns text and label, got ${JSON.stringify(names.join(',').slice(0, 200))}`);
  }
  return body.map((record) => {
    const fields = fieldsOf(record);
    if (typeof fields === 'string') return { line: record.line, malformed: fields };
    if (fields.length !== columns.length) {
      return { line: record.line, malformed: `malformed CSV: ${fields.length} fields where the header has ${columns.length}` };
    }
    return { line: record.line, text: fields[textAt], label: fields[labelAt] };
  });
}
