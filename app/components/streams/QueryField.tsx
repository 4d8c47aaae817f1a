import type { QueryErrorAt } from '../../lib/api.ts';

/** Line and column (1-based) of a 0-based string index, and that line's text. */
function locate(text: string, position: number): { line: number; column: number; lineText: string } {
  const at = Math.max(0, Math.min(position, text.length));
  const start = text.lastIndexOf('\n', at - 1) + 1;
  const end = text.indexOf('\n', at);
  return { line: text.slice(0, at).split('\n').length, column: at - start + 1, lineText: text.slice(start, end === -1 ? undefined : end) };
}

/** The query's line with the character at fault marked, and a caret under it (not colour alone). */
function Marked({ query, at }: { query: string; at: QueryErrorAt }) {
  const { column, lineText } = locate(query, at.position);
  const i = column - 1;
  return (
    <pre aria-hidden="true" className="mt-1 overflow-x-auto rounded bg-white p-1.5 font-mono text-xs leading-snug ring-1 ring-[#D55E00]">
      {lineText.slice(0, i)}
      <mark className="bg-[#D55E00] text-white">{lineText[i] ?? '\u00a0'}</mark>
      {lineText.slice(i + 1)}
      {'\n'}
      {' '.repeat(i)}^
    </pre>
  );
}

interface Props {
  value: string;
  onChange(value: string): void;
  /** A syntax error of exactly this text (the server's position and message), else null. */
  error: QueryErrorAt | null;
}

/** The stream's boolean query, with its syntax error shown inline where it is. */
export function QueryField({ value, onChange, error }: Props) {
  const where = error && locate(value, error.position);
  return (
    <div>
      <label htmlFor="stream-query" className="font-medium">Query</label>
      <p id="stream-query-help" className="text-xs text-slate-600">
        Words, <code>"quoted phrases"</code>, <code>#hashtags</code>, <code>@mentions</code> with <code>AND</code>, <code>OR</code>,{' '}
        <code>NOT</code> and parentheses; case-insensitive, whole words. Example: <code>acme AND (outage OR "down again") AND NOT job</code>
      </p>
      <textarea
        id="stream-query"
        name="query"
        required
        rows={3}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={`stream-query-help${error ? ' stream-query-error' : ''}`}
        className={`mt-1 w-full rounded border px-2 py-1 font-mono text-sm disabled:bg-slate-100 disabled:text-slate-700 ${error ? 'border-2 border-[#D55E00]' : 'border-slate-400'}`}
      />
      {error && where && (
        <div id="stream-query-error" role="alert" className="text-sm" data-testid="query-error" data-position={error.position}>
          <p className="font-medium text-[#D55E00]">
            ⚠ {error.detail} — line {where.line}, column {where.column}
          </p>
          <Marked query={value} at={error} />
        </div>
      )}
    </div>
  );
}
