/**
 * The drill-down's CSV export: one row per message, RFC 4180 quoting. `human_label` is people's
 * latest label beside the model's `label` (empty when nobody labelled the message); `model` the
 * model that scored it, `name@version` (rows scored before versions were recorded: the name).
 */
import type { StoredMessage } from '../../lib/contracts/messages.ts';

const csvColumns = ['id', 'ts', 'source', 'label', 'human_label', 'confidence', 'p_negative', 'p_neutral', 'p_positive', 'text', 'model'] as const;

/**
 * Quotes a field when it holds a quote, comma or line break. Texts come from the public, and a
 * spreadsheet runs a cell starting with = + - @ as a formula: such text fields get a leading
 * apostrophe (the OWASP advice), which spreadsheets show as plain text.
 */
function field(value: string | number): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(messages: readonly StoredMessage[]): string {
  const rows = messages.map((m) =>
    [m.id, m.ts, m.source, m.label, m.humanLabel ?? '', m.confidence, m.probs.negative, m.probs.neutral, m.probs.positive, m.text, m.model].map(field).join(','),
  );
  return [csvColumns.join(','), ...rows].join('\r\n') + '\r\n';
}
