import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeText } from '../../models/runtime/normalize.ts';

describe('normalizeText', () => {
  it('replaces handles and links as TweetEval does, but not e-mail addresses', () => {
    assert.equal(normalizeText('@Acme_Help see https://t.co/x?y=1 or www.acme.com, mail a@b.com', 100), '@user see http or http mail a@b.com');
  });

  it('turns lone surrogates into U+FFFD', () => {
    assert.equal(normalizeText('bad \uD83D here \uDC00', 100), 'bad \uFFFD here \uFFFD');
  });

  it('drops emoji modifiers but keeps the emoji', () => {
    assert.equal(normalizeText('love ❤️ 👍🏽', 100), 'love ❤ 👍');
  });

  it('collapses whitespace, trims, and cuts to maxChars', () => {
    assert.equal(normalizeText('  a \n\t b  ', 100), 'a b');
    assert.equal(normalizeText('x'.repeat(10_000), 50).length, 50);
    assert.equal(normalizeText('   ', 10), '');
  });
});
