/**
 * Text clean-up applied before tokenisation, identically at training time (models/train
 * tokenises through this module) and at serving time, so there is no train/serve skew.
 */

const MENTION = /(^|[^\p{L}\p{N}_])@[A-Za-z0-9_]{1,30}/gu;
const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/giu;
const SPACES = /\s+/gu;
/** Emoji presentation selectors, joiners and skin tones: the base emoji carries the sentiment. */
const EMOJI_MODIFIERS = /[\uFE0E\uFE0F\u200D\u{1F3FB}-\u{1F3FF}]/gu;

/**
 * - lone UTF-16 surrogates become U+FFFD (the tokenizer would otherwise see garbage);
 * - @handles become `@user` and links become `http`, as in TweetEval: names and URLs carry
 *   no sentiment and would only spread the vocabulary thin;
 * - emoji modifiers (variation selectors, joiners, skin tones) are dropped;
 * - whitespace runs collapse, and the text is cut to `maxChars`: the tokenizer truncates to a
 *   few hundred tokens anyway, and a 10,000-character message should not cost 100× a tweet.
 */
export function normalizeText(text: string, maxChars: number): string {
  const cleaned = text
    .toWellFormed()
    .replace(URL, 'http')
    .replace(MENTION, '$1@user')
    .replace(EMOJI_MODIFIERS, '')
    .replace(SPACES, ' ')
    .trim();
  return cleaned.length > maxChars ? cleaned.slice(0, maxChars) : cleaned;
}
