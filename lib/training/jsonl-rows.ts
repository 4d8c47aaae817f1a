/** A JSONL training set (one `{"text", "label"}` object a line, other keys ignored) into raw rows; line 1 is the first line. */
import type { RawRow } from './judge-rows.ts';

export function jsonlRows(text: string): RawRow[] {
  const rows: RawRow[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((source, i) => {
    const line = i + 1;
    if (source.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (err) {
      rows.push({ line, malformed: `malformed line: not JSON (${(err as Error).message})` });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      rows.push({ line, malformed: 'malformed line: not a JSON object {"text": …, "label": …}' });
      return;
    }
    const { text, label } = value as Record<string, unknown>;
    rows.push({ line, text, label });
  });
  return rows;
}
