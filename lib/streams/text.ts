/**
 * Text → words, the single definition of a "word" for keyword streams. A message's text goes
 * through here once per message, and every term and phrase of a query once when it is parsed,
 * so matching afterwards is plain string equality and every decision below (case, accents,
 * what a word is) holds identically on both sides.
 *
 * - Normalisation: compatibility forms are unified (NFKC: `ｆｕｌｌｗｉｄｔｈ`, `ﬁ`, `²`), case is
 *   folded (`ß` → `ss`, `ς` → `σ` as in Unicode case folding), and accents of the Latin, Greek and
 *   Cyrillic alphabets are dropped, so `cafe` matches `Café` and `muller` matches `Müller`: people
 *   type brand names without them. Only the Combining Diacritical Marks block is dropped; the
 *   vowel signs of Indic, Thai or Arabic script are letters of their words and stay.
 * - A word is a run of letters, marks, digits and connectors (`_`); anything else separates
 *   words, so `acme` matches `acme's`, `acme.com` and `#acme`, but not `acmecorp` or `acme_corp`.
 * - Scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) have no
 *   word boundaries to find: each of their characters is a word, so a term in them matches as a
 *   character sequence (`東京` matches `東京都`), as Lucene's standard tokenizer does for ideographs.
 * - Each emoji is a word of its own; skin-tone modifiers, variation selectors and joiners are
 *   not, so `👍` matches `👍🏽`.
 * - `#name` and `@name` after a non-word character are a hashtag and a mention: a token of their
 *   own kind whose name is also read as words (so `acme` matches `#acme`; `#acme` needs the tag).
 */

const wordChars = String.raw`\p{L}\p{M}\p{N}\p{Pc}`;
const unspacedScripts = String.raw`\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}`;
/** One word: a character of an unspaced script, an emoji, or a run of other word characters. */
const word = String.raw`[${unspacedScripts}]|\p{Extended_Pictographic}|[[${wordChars}]--[${unspacedScripts}]]+`;
// Built with `new RegExp` because set subtraction needs the `v` flag, which TypeScript refuses in
// literals below an ES2024 target although Node 20 runs it.
const wordPattern = new RegExp(word, 'gv');
const tokenPattern = new RegExp(String.raw`(?<![${wordChars}])([#@])([${wordChars}]+)|${word}`, 'gv');
const combiningDiacritics = /[\u0300-\u036f]/g;
const asciiOnly = /^[\x00-\x7f]*$/;

export type TokenKind = 'word' | 'hashtag' | 'mention';

export interface Token {
  kind: TokenKind;
  /** The normalised word, or a tag's name without `#` / `@`. */
  text: string;
}

/** The words of one message, computed once and shared by every stream that looks at it. */
export interface MessageWords {
  /** Every word, plus `#name` and `@name` for each hashtag and mention: what a term tests. */
  readonly keys: ReadonlySet<string>;
  /** The words in order, a tag contributing the words of its name: what a phrase scans. */
  readonly sequence: readonly string[];
}

export function normalize(text: string): string {
  // Most posts are ASCII, where NFKC and accent stripping change nothing: skip both passes.
  if (asciiOnly.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(combiningDiacritics, '').toLowerCase().replace(/ß/g, 'ss').replace(/ς/g, 'σ').normalize('NFC');
}

/** The words of an already normalised string, ignoring `#` and `@` (phrases, tag names). */
export function wordsOf(normalized: string): string[] {
  return normalized.match(wordPattern) ?? [];
}

/** Words and tags of an already normalised string, in order. */
export function tokenize(normalized: string): Token[] {
  const out: Token[] = [];
  for (const m of normalized.matchAll(tokenPattern)) {
    const [text, sigil, name] = m;
    if (sigil !== undefined && name !== undefined) out.push({ kind: sigil === '#' ? 'hashtag' : 'mention', text: name });
    else out.push({ kind: 'word', text });
  }
  return out;
}

/** Tag keys carry their sigil, which no word contains, so words and tags share one set. */
export function tagKey(kind: 'hashtag' | 'mention', name: string): string {
  return (kind === 'hashtag' ? '#' : '@') + name;
}

export function analyze(text: string): MessageWords {
  const keys = new Set<string>();
  const sequence: string[] = [];
  for (const token of tokenize(normalize(text))) {
    if (token.kind === 'word') {
      keys.add(token.text);
      sequence.push(token.text);
      continue;
    }
    keys.add(tagKey(token.kind, token.text));
    for (const w of wordsOf(token.text)) {
      keys.add(w);
      sequence.push(w);
    }
  }
  return { keys, sequence };
}
