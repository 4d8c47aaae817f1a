import type { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';

/**
 * Chunks remembered before the cache starts over. 65,536 holds every distinct chunk of a few
 * thousand tweets (TweetEval validation has 11,576) in ≈ 8 MB per inference thread. Clearing
 * when full beat a true LRU: on 127k unseen SemEval + extra texts the LRU missed less (10.0 %
 * vs 12.7 %) but its delete-and-reinsert on every hit made it 2.4× slower (models/README.md).
 */
const maxEntries = 65_536;

/** The parts of tokenizer.json that decide whether a space can split a text without changing its ids. */
interface TokenizerJson {
  normalizer?: { type?: string } | null;
  pre_tokenizer?: { type?: string } | null;
  model?: { type?: string; fuse_unk?: boolean };
  added_tokens?: { content?: string }[];
}

/**
 * Whether encoding a text equals encoding its space-separated chunks one by one, concatenated.
 * True for BERT's pipeline: BertNormalizer works character by character (a space stops
 * lower-casing's final-sigma context and Unicode decomposition), BertPreTokenizer drops spaces
 * as separators, WordPiece splits each word on its own unless it fuses unknown words, and no
 * added token spans a space. Byte-level (GPT-2, RoBERTa) and Metaspace (SentencePiece)
 * pre-tokenizers keep the space inside the next token, so they are left to the plain path.
 */
export function separatesOnSpaces(json: TokenizerJson): boolean {
  return (
    (json.normalizer == null || json.normalizer.type === 'BertNormalizer') &&
    json.pre_tokenizer?.type === 'BertPreTokenizer' &&
    json.model?.type === 'WordPiece' &&
    json.model.fuse_unk !== true &&
    (json.added_tokens ?? []).every((t) => !/\s/u.test(t.content ?? ''))
  );
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/**
 * Token ids of a text built from the library's own ids of each space-separated chunk, cached:
 * tweets reuse a few thousand words, and a cache hit skips normalisation, pre-tokenisation and
 * WordPiece's greedy search altogether. A miss asks the library for that chunk, so every id
 * still comes from it; `test/unit/tokenizer-cache.test.ts` checks the whole result against the
 * library's encode of the whole text.
 */
export class ChunkCache {
  private cache = new Map<string, readonly number[]>();

  private constructor(
    private readonly tokenizer: HfTokenizer,
    /** Special tokens the post-processor puts around a single text ([CLS] … [SEP]). */
    private readonly prefix: readonly number[],
    private readonly suffix: readonly number[],
  ) {}

  /** The cache for `tokenizer`, or undefined where its pipeline does not separate on spaces. */
  static for(tokenizer: HfTokenizer, json: TokenizerJson): ChunkCache | undefined {
    if (!separatesOnSpaces(json)) return undefined;
    const whole = tokenizer.encode('a').ids;
    const inner = tokenizer.encode('a', { add_special_tokens: false }).ids;
    for (let start = 0; start + inner.length <= whole.length; start++) {
      if (!sameIds(whole.slice(start, start + inner.length), inner)) continue;
      const prefix = whole.slice(0, start);
      const suffix = whole.slice(start + inner.length);
      // A post-processor that wraps an empty text differently is not a plain wrapper.
      return sameIds(tokenizer.encode('').ids, [...prefix, ...suffix]) ? new ChunkCache(tokenizer, prefix, suffix) : undefined;
    }
    return undefined;
  }

  /**
   * Ids of `text` with its special tokens. Chunks past `limit` content ids are not looked up:
   * the caller truncates to at most `limit` ids, so they could never be kept.
   */
  ids(text: string, limit: number): number[] {
    const ids = [...this.prefix];
    const end = this.prefix.length + limit;
    for (const chunk of text.split(' ')) {
      for (const id of this.chunk(chunk)) ids.push(id);
      if (ids.length >= end) break;
    }
    for (const id of this.suffix) ids.push(id);
    return ids;
  }

  private chunk(chunk: string): readonly number[] {
    let ids = this.cache.get(chunk);
    if (ids === undefined) {
      ids = this.tokenizer.encode(chunk, { add_special_tokens: false }).ids;
      if (this.cache.size >= maxEntries) this.cache = new Map();
      this.cache.set(chunk, ids);
    }
    return ids;
  }
}
