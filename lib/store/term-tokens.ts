/**
 * How messages become rows of the term aggregate (`term_counts`), in ClickHouse SQL: one
 * tokeniser and one grouping, used by its materialized view (migration 7) and by the retag
 * delta (lib/store/terms.ts), so a message counts under the same terms whichever path counted it.
 *
 * The text is lower-cased; links (`http://…`, `https://…`, `www.…`) are dropped; apostrophes
 * are removed so "don't" is the one word "dont" (a stop word) rather than "don" and "t". Tokens
 * are runs of word characters (ASCII letters, digits, `_`, `#`, `@`, and the Unicode blocks of
 * the world's alphabets and of CJK: {@link letters}); everything else, punctuation, symbols and
 * emoji included, separates them. What is kept: words of at least 3 characters that start with
 * a letter and hold only letters and digits, minus {@link TermStopwords}; hashtags and mentions
 * (`#` or `@` first and nowhere else, so an e-mail address is no mention) of at least 2
 * characters after the sign, one of them a letter ("#1" says nothing). Each term counts once
 * per message.
 *
 * It runs inside the insert of every classified batch, so it is built from cheap parts: plain
 * `replaceAll`, one split and one anchored match over character ranges. A first version that
 * extracted word-start tokens with `\p{L}` classes took ~100 ms per 1,024 tweets on chdb (the
 * regexes are compiled for every block, and that pattern defeats RE2's fast paths); this one ~6 ms.
 */

/** The Buffer table in front of `term_counts` (migration 16): the view writes into it and readers read through it. */
export const TermCountsBuffer = 'term_counts_pending';
/** The materialized view that counts the terms of every inserted message into {@link TermCountsBuffer}. */
export const TermCountsView = 'term_counts_pending_mv';

/** Words too common to tell what people talk about, plus the noise of tweets (retweets, links, entities). */
export const TermStopwords: readonly string[] = (
  // English function words and the commonest verbs, 3 letters and longer (shorter ones never pass the length rule).
  'the and for are but not you all any can had her was one our out has him his how its let may new now old see two way who ' +
  'did get got just like this that with have from they will would there their what about which when make than them then into ' +
  'more your some could time very been only over also back after other well these such most even because does doing being ' +
  'were here why where while should still much many those through during each both few own same too off yet nor ever every ' +
  'she hers herself himself itself myself yourself yourselves ourselves themselves theirs ours yours whom whose ' +
  'dont didnt doesnt isnt wasnt arent werent wont cant cannot couldnt shouldnt wouldnt hasnt havent hadnt aint ' +
  'im ive id ill youre youve youll youd hes shes its were weve theyre theyve theyll thats theres whats lets ' +
  'again against above below under between before until upon onto among within without across along around ' +
  'said say says going gonna wanna gotta know think want need really today tomorrow tonight yesterday day days ' +
  'here there something anything nothing everything someone anyone everyone thing things ' +
  // Tweet noise: retweet and via markers, link pieces, HTML entity remnants, laughter.
  'amp quot http https www com via lol lmao omg'
)
  .split(' ')
  .filter((w, i, all) => all.indexOf(w) === i);

/** A single-quoted SQL string literal (the stop words are fixed words, but quoted properly all the same). */
const literal = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** Letters beyond ASCII: Latin-1 letters up to Greek Extended (Latin, Greek, Cyrillic, Arabic, Indic, …), kana, CJK, Hangul. */
const letters = String.raw`\x{C0}-\x{1FFF}\x{3040}-\x{D7AF}`;
/** Links are dropped before tokens are taken: "https://t.co/x1" must not become terms. */
const links = String.raw`(https?://|www\.)\S*`;
const separators = `[^a-z0-9_#@${letters}]+`;
/** What is kept of the tokens (the stop words are filtered apart). */
const kept = `^([a-z${letters}][a-z0-9${letters}]{2,}|[#@][a-z0-9_${letters}]*[a-z${letters}][a-z0-9_${letters}]*)$`;

/**
 * `Array(String)`: the distinct terms of the text column or expression `text`, hashtags with
 * their `#` and mentions with their `@`.
 */
export function termsOf(text: string): string {
  const cleaned = `replaceAll(replaceAll(replaceRegexpAll(lowerUTF8(${text}), ${literal(links)}, ' '), '\\'', ''), '’', '')`;
  const stop = `(${TermStopwords.map(literal).join(', ')})`;
  return `arrayDistinct(arrayFilter(t -> lengthUTF8(t) >= 3 AND match(t, ${literal(kept)}) AND NOT (t IN ${stop}),
    splitByRegexp(${literal(separators)}, ${cleaned})))`;
}

/** The kind of a term (a `term_counts.kind` value) from its first character. */
export function termKindOf(term: string): string {
  return `multiIf(startsWith(${term}, '#'), 'hashtag', startsWith(${term}, '@'), 'mention', 'term')`;
}

/**
 * `SELECT` of `term_counts` rows (grain, bucket, stream, source, kind, term, label counts) from
 * `messages`, each message counted in its minute, its ten minutes and its hour (lib/store/terms.ts
 * reads a period from the fewest of these buckets).
 * `view`: every inserted message under '*' (AllStreamsId, lib/contracts/api.ts) and each of its
 * streams, as `sentiment_1s_mv` counts them. `delta`: the stored messages `messagesWhere` picks,
 * under the one stream `{stream:String}`, every count × `{sign:Int8}` (StreamAggregate).
 * The terms are taken before the streams and grains are joined, so a text is tokenised once.
 * Minutes, not seconds: a minute holds ~60 times fewer rows per term.
 */
export function termRows(o: { kind: 'view' } | { kind: 'delta'; messagesWhere: string }): string {
  const delta = o.kind === 'delta';
  const sign = delta ? '{sign:Int8} * ' : '';
  return `SELECT
    grain,
    multiIf(grain = 'minute', toStartOfMinute(toDateTime(ts, 'UTC')), grain = 'ten_minutes', toStartOfTenMinutes(toDateTime(ts, 'UTC')),
      toStartOfHour(toDateTime(ts, 'UTC'))) AS bucket,
    ${delta ? '{stream:String}' : 'stream'} AS stream,
    source,
    ${termKindOf('term')} AS kind,
    term,
    ${sign}countIf(label = 'negative') AS negative,
    ${sign}countIf(label = 'neutral') AS neutral,
    ${sign}countIf(label = 'positive') AS positive
  FROM messages${delta ? ' FINAL' : ''}
  ARRAY JOIN ${termsOf('text')} AS term
  ${delta ? '' : "ARRAY JOIN arrayConcat(['*'], streams) AS stream"}
  ARRAY JOIN ['minute', 'ten_minutes', 'hour'] AS grain
  ${delta ? `WHERE ${o.messagesWhere}` : ''}
  GROUP BY grain, bucket, stream, source, term`;
}
