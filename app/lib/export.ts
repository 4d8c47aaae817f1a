/** Exports a drill-down selection as CSV: every page of `/api/messages`, up to a cap. */
import type { StoredMessage } from '../../lib/contracts/messages.ts';
import { fetchMessages, type MessagesQuery } from './api.ts';
import { toCsv } from './csv.ts';

/** A browser holds this much comfortably; a larger export belongs to ClickHouse itself. */
export const maxExportRows = 20_000;
const pageSize = 500;

export async function selectionCsv(query: MessagesQuery, signal?: AbortSignal): Promise<{ csv: string; rows: number; capped: boolean }> {
  const messages: StoredMessage[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchMessages({ ...query, limit: pageSize, ...(cursor ? { cursor } : {}) }, signal);
    messages.push(...page.messages);
    cursor = page.nextCursor;
  } while (cursor && messages.length < maxExportRows);
  const rows = messages.slice(0, maxExportRows);
  return { csv: toCsv(rows), rows: rows.length, capped: Boolean(cursor) || messages.length > maxExportRows };
}

/** Hands text to the browser as a file download. */
export function download(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once started; the URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
