import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { shippedModelDir } from '../../lib/paths.ts';
import { Tokenizer } from '../../models/runtime/tokenizer.ts';

const CLS = 101;
const SEP = 102;
const UNK = 100;

describe('Tokenizer (shipped word-piece vocabulary)', () => {
  let tok: Tokenizer;
  before(async () => {
    tok = await Tokenizer.load(shippedModelDir, 64);
  });

  it('wraps text in [CLS] … [SEP], lower-cased', () => {
    const ids = tok.ids('Hello WORLD');
    assert.equal(ids[0], CLS);
    assert.equal(ids.at(-1), SEP);
    assert.deepEqual(ids, tok.ids('hello world'));
  });

  it('encodes empty and whitespace-only text as [CLS] [SEP]', () => {
    assert.deepEqual(tok.ids(''), [CLS, SEP]);
    assert.deepEqual(tok.ids(' \n\t '), [CLS, SEP]);
  });

  it('gives frequent emoji their own ids instead of [UNK]', () => {
    const ids = tok.ids('😂');
    assert.equal(ids.length, 3);
    assert.ok(ids[1]! > 30521, `emoji id ${ids[1]} should be an added token`);
    assert.deepEqual(tok.ids('❤️'), tok.ids('❤'), 'variation selector is dropped');
  });

  it('truncates a 10,000-character text to maxTokens and keeps the closing [SEP]', () => {
    const ids = tok.ids('great '.repeat(2000));
    assert.equal(ids.length, 64);
    assert.equal(ids[0], CLS);
    assert.equal(ids[63], SEP);
  });

  it('handles non-English scripts and invalid UTF-16 without throwing', () => {
    for (const text of ['Это отличный телефон', '这个产品很好', 'مرحبا بالعالم', 'broken \uD800 surrogate \uDFFF']) {
      const ids = tok.ids(text);
      assert.ok(ids.length >= 3, text);
      assert.ok(ids.every((id) => Number.isInteger(id) && id >= 0));
    }
    // A lone surrogate becomes U+FFFD, which BERT's clean-up removes like any control character.
    assert.deepEqual(tok.ids('\uD800'), [CLS, SEP]);
    assert.deepEqual(tok.ids('broken \uD800 surrogate \uDFFF'), tok.ids('broken surrogate'));
    assert.deepEqual(tok.ids('🫠'), [CLS, UNK, SEP], 'an emoji outside the added vocabulary');
  });

  it('pads a batch to its longest text with an attention mask', () => {
    const batch = tok.encode(['short', 'a somewhat longer sentence here', '']);
    assert.equal(batch.batchSize, 3);
    assert.equal(batch.seqLen, tok.ids('a somewhat longer sentence here').length);
    assert.equal(batch.inputIds.length, 3 * batch.seqLen);
    const maskRow = (r: number) => Array.from(batch.attentionMask.subarray(r * batch.seqLen, (r + 1) * batch.seqLen)).filter((x) => x === 1n).length;
    assert.equal(maskRow(0), 3);
    assert.equal(maskRow(2), 2);
    assert.equal(batch.inputIds[batch.seqLen - 1], 0n, 'padding id');
  });

  it('refuses an empty batch', () => {
    assert.throws(() => tok.encode([]), /empty batch/);
  });
});
