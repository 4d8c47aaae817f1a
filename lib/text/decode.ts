/**
 * Readable text from what senders' pipelines leave in it: HTML character references (`&amp;`,
 * `&#8217;`, `&#x2019;`), literal `\uXXXX` escapes (text JSON-encoded once too often), and the
 * few formatting tags that reviews carry escaped (`&lt;p&gt;`). Ingest runs it once per message
 * (lib/ingest/normalize.ts), so every screen, export and alert reads the same decoded text.
 */
import { decodeHTMLStrict } from 'entities';

/**
 * One escape of either kind: a `\u` surrogate pair, a single `\u` escape, or a character
 * reference ended by `;` (without it, `AT&T` or `&copy` in prose are left alone). Both kinds
 * share one left-to-right pass, so what a replacement produces is never read again: one level
 * only, whichever kind came first (`&amp;amp;` → `&amp;`, `\u0026amp;` → `&amp;`,
 * `&#92;u2019` → `\u2019`).
 */
const escapes = /\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})|\\u([0-9a-f]{4})|&(?:#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});/gi;

/**
 * A run of tags that only shape a paragraph (with attributes or self-closed: `<br/>`,
 * `<p class="x">`) and the spaces and line breaks after them, which were the markup's own
 * layout. It starts at `<` so that a long stretch of spaces costs one scan, not one per space.
 */
const blockTagRun = /(?:<\/?(?:p|br|div)(?:\s[^<>]*)?\/?>\s*)+/gi;
/** Tags that only style words inside a sentence: they go without a trace (`<b>great</b>` → `great`). */
const inlineTags = /<\/?(?:span|b|i|em|strong)(?:\s[^<>]*)?>/gi;

/**
 * Decodes one level of character references and `\uXXXX` escapes, then removes the safe
 * formatting tags (p, br, div, span, b, i, em, strong); any other `<…>` (`<3`, `<script>`,
 * `<a href>`) stays as text. A lone `\uD83D` stays as written rather than becoming half a
 * character. Never makes a text longer. Not trimmed: the caller decides what an edge is.
 */
export function decodeText(text: string): string {
  const decoded = text.replace(escapes, (match, high?: string, low?: string, single?: string) => {
    if (high && low) return String.fromCharCode(parseInt(high, 16), parseInt(low, 16));
    if (single) {
      const unit = parseInt(single, 16);
      return unit >= 0xd800 && unit <= 0xdfff ? match : String.fromCharCode(unit);
    }
    return decodeHTMLStrict(match);
  });
  return decoded.includes('<') ? withoutFormattingTags(decoded) : decoded;
}

/** Each block-tag run becomes one space between the words it separated; inline tags just go. */
function withoutFormattingTags(text: string): string {
  const pieces = text.split(blockTagRun);
  const last = pieces.length - 1;
  return pieces.map((piece, i) => (i < last ? piece.trimEnd() : piece)).join(' ').replace(inlineTags, '');
}
