/**
 * The row-by-row judgement of an uploaded training set, one rule set for CSV and JSONL: a row
 * is kept with its text as ingest would classify it, or refused with its line and the reason.
 * The text rules are the ingest's (lib/ingest/normalize.ts): the same length limit, the same
 * decoding and trimming, so a model is trained on texts written the way it will later read them.
 */
import type { LabelledRow, RowRefusal } from '../contracts/training-sets.ts';
import { MaxTextChars } from '../message.ts';
import { Labels, type Label } from '../sentiment.ts';
import { decodeText } from '../text/decode.ts';

/** A row as a file format read it, not yet judged: its fields, or why the format could not read it. */
export type RawRow = { line: number; text: unknown; label: unknown } | { line: number; malformed: string };

export interface JudgedRows {
  rows: LabelledRow[];
  refusals: RowRefusal[];
}

const labelOf = (value: unknown): Label | undefined => {
  const name = typeof value === 'string' ? value.trim().toLowerCase() : '';
  return Labels.find((l) => l === name);
};

/** Keeps each row that passes, refuses the rest with the first rule it breaks. */
export function judgeRows(raw: readonly RawRow[]): JudgedRows {
  const rows: LabelledRow[] = [];
  const refusals: RowRefusal[] = [];
  /** Text → the line that first had it: a set that says one thing twice would weigh it double. */
  const firstLine = new Map<string, number>();
  for (const r of raw) {
    if ('malformed' in r) {
      refusals.push({ line: r.line, reason: r.malformed });
      continue;
    }
    const reason = refusalOf(r.text, r.label);
    if (reason) {
      refusals.push({ line: r.line, reason });
      continue;
    }
    const text = decodeText(r.text as string).trim();
    const seen = firstLine.get(text);
    if (seen !== undefined) {
      refusals.push({ line: r.line, reason: `duplicate text: the same as line ${seen}` });
      continue;
    }
    firstLine.set(text, r.line);
    rows.push({ line: r.line, text, label: labelOf(r.label)! });
  }
  return { rows, refusals };
}

function refusalOf(text: unknown, label: unknown): string | undefined {
  if (typeof text !== 'string') return 'text is missing';
  if (text.length > MaxTextChars) return `text is longer than ${MaxTextChars} characters`;
  // The same refusal as ingest's: "&nbsp;" or "<p></p>" carries nothing to learn from.
  if (!decodeText(text).trim()) return 'text is empty';
  if (typeof label !== 'string' || !label.trim()) return 'label is missing: use negative, neutral or positive';
  if (!labelOf(label)) return `unknown label ${JSON.stringify(label.length > 40 ? `${label.slice(0, 40)}…` : label)}: use negative, neutral or positive`;
  return undefined;
}
