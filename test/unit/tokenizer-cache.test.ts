import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { loadConfig } from '../../lib/config.ts';
import { readDataset } from '../../lib/datasets.ts';
import { shippedModelDir } from '../../lib/paths.ts';
import { separatesOnSpaces } from '../../models/runtime/chunk-cache.ts';
import { Tokenizer } from '../../models/runtime/tokenizer.ts';

const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(shippedModelDir, file), 'utf8')) as Record<string, unknown>;

/** The library's plain path, truncated as `Tokenizer.ids` did before the chunk cache: the reference. */
function referenceIds(library: HfTokenizer, tok: Tokenizer, text: string): number[] {
  const ids = library.encode(tok.prepare(text)).ids;
  if (ids.length <= tok.maxTokens) return ids;
  const kept = ids.slice(0, tok.maxTokens);
  kept[tok.maxTokens - 1] = ids.at(-1)!;
  return kept;
}

const edgeCases = [
  '', ' \n\t ', 'Hello WORLD', '😂', '❤️', '❤', '🫠', '👍🏽 great', 'great '.repeat(2000), 'Это отличный телефон',
  '这个产品很好', 'مرحبا بالعالم', 'broken \uD800 surrogate \uDFFF', '\uD800', '[CLS] injected [SEP] tokens[MASK]x',
  'ΟΔΟΣ ΟΔΟΣ. ΑΣ.Α', 'cafe\u0301 café Ångström', 'tab\there\u00a0nbsp\u200bzero-width', 'don\'t!!! @user #tag http',
  'unaffable™ supercalifragilisticexpialidocious' + 'x'.repeat(120), '😂😂😂lol😂', 'a\u0000b\u0007c',
];

describe('Tokenizer chunk cache: the same ids as the library', () => {
  let library: HfTokenizer;
  const tokenizers: Tokenizer[] = [];
  before(async () => {
    library = new HfTokenizer(readJson('tokenizer.json'), readJson('tokenizer_config.json'));
    // 128: the shipped limit; 8: most texts are truncated, so the early stop is exercised.
    tokenizers.push(await Tokenizer.load(shippedModelDir, 128), await Tokenizer.load(shippedModelDir, 8));
  });

  function assertSame(texts: readonly string[]): void {
    for (const tok of tokenizers) {
      // Twice: the first pass fills the cache, the second reads it.
      for (let pass = 0; pass < 2; pass++) {
        for (const text of texts) assert.deepEqual(tok.ids(text), referenceIds(library, tok, text), `${tok.maxTokens} tokens: ${JSON.stringify(text)}`);
      }
    }
  }

  it('on the edge cases (emoji, truncation, empty after normalisation, unicode, special-token text)', () => {
    assertSame(edgeCases);
  });

  const { datasetsDir } = loadConfig();
  const missing = fs.existsSync(datasetsDir) ? false : `datasets dir ${datasetsDir} missing (set DATASETS_DIR)`;
  for (const name of ['tweeteval-val', 'sst2-dev'] as const) {
    it(`on every text of ${name}`, { skip: missing }, () => {
      const texts = readDataset(datasetsDir, name).map((r) => r.text);
      assert.ok(texts.length > 800, `${name}: ${texts.length} texts`);
      assertSame(texts);
    });
  }

  it('is used only where a space cannot change the ids', () => {
    const json = readJson('tokenizer.json');
    assert.equal(separatesOnSpaces(json), true);
    assert.equal(separatesOnSpaces({ ...json, pre_tokenizer: { type: 'ByteLevel' } }), false);
    assert.equal(separatesOnSpaces({ ...json, pre_tokenizer: { type: 'Metaspace' } }), false);
    assert.equal(separatesOnSpaces({ ...json, normalizer: { type: 'Sequence' } }), false);
    assert.equal(separatesOnSpaces({ ...json, model: { type: 'WordPiece', fuse_unk: true } }), false);
    assert.equal(separatesOnSpaces({ ...json, added_tokens: [{ content: 'new york' }] }), false);
  });
});
