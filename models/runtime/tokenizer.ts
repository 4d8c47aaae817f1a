import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { PulseError } from '../../lib/errors.ts';
import { ChunkCache } from './chunk-cache.ts';
import { normalizeText } from './normalize.ts';

/** One padded batch, laid out as ONNX Runtime wants it (row-major int64). */
export interface EncodedBatch {
  batchSize: number;
  seqLen: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
}

/** Characters kept before tokenising: generous, since a word piece is rarely under 2 characters. */
const charsPerToken = 12;
/** Words as the drift watch counts them: letters (with their marks), no digits or punctuation. */
const WORD = /\p{L}[\p{L}\p{M}]*/gu;
/** Distinct words whose verdict is kept; past it the cache starts again. */
const wordCacheSize = 100_000;

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new PulseError('MODEL_INVALID', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The Hugging Face tokenizer of a model folder (tokenizer.json + tokenizer_config.json), run
 * by @huggingface/tokenizers, the tokenizer library of transformers.js v4. It normalises,
 * tokenises, truncates to `maxTokens` keeping the closing special token ([SEP] / </s>) as
 * the Python tokenizers do, and pads each batch to its longest text. Where the pipeline allows
 * (BERT-style WordPiece, see chunk-cache.ts), ids come from a cache of space-separated chunks,
 * the same ids at a fraction of the cost.
 */
export class Tokenizer {
  private constructor(
    private readonly tokenizer: HfTokenizer,
    readonly maxTokens: number,
    private readonly padId: bigint,
    private readonly closingId: number | undefined,
    private readonly chunks: ChunkCache | undefined,
    private readonly unkId: number | undefined,
  ) {}

  /** Whether each word seen is outside the vocabulary (see {@link unknownWords}). */
  private readonly unknownWord = new Map<string, boolean>();

  static async load(dir: string, maxTokens: number): Promise<Tokenizer> {
    const tokenizerFile = path.join(dir, 'tokenizer.json');
    if (!fs.existsSync(tokenizerFile)) throw new PulseError('MODEL_INVALID', `tokenizer.json missing in ${dir}`);
    const configFile = path.join(dir, 'tokenizer_config.json');
    const config = fs.existsSync(configFile) ? readJson(configFile) : {};
    const json = readJson(tokenizerFile);
    let tokenizer: HfTokenizer;
    try {
      tokenizer = new HfTokenizer(json, config);
    } catch (err) {
      throw new PulseError('MODEL_INVALID', `cannot build tokenizer from ${tokenizerFile}: ${(err as Error).message}`, { cause: err });
    }
    const modelMax = Number(config.model_max_length);
    const limit = Number.isFinite(modelMax) && modelMax > 0 ? Math.min(maxTokens, modelMax) : maxTokens;
    const padToken = typeof config.pad_token === 'string' ? config.pad_token : '[PAD]';
    const padId = tokenizer.token_to_id(padToken) ?? 0;
    const probe = tokenizer.encode('a').ids;
    const last = probe.at(-1);
    const specials = new Set(tokenizer.get_added_tokens_decoder().keys());
    const closingId = last !== undefined && specials.has(last) ? last : undefined;
    const unkToken = typeof config.unk_token === 'string' ? config.unk_token : '[UNK]';
    return new Tokenizer(tokenizer, limit, BigInt(padId), closingId, ChunkCache.for(tokenizer, json), tokenizer.token_to_id(unkToken));
  }

  /** Text exactly as the model sees it, before word-piece splitting. */
  prepare(text: string): string {
    return normalizeText(text, this.maxTokens * charsPerToken);
  }

  /** Token ids of one text, with special tokens, truncated to `maxTokens`. */
  ids(text: string): number[] {
    const prepared = this.prepare(text);
    const ids = this.chunks ? this.chunks.ids(prepared, this.maxTokens) : this.tokenizer.encode(prepared).ids;
    if (ids.length <= this.maxTokens) return ids;
    const kept = ids.slice(0, this.maxTokens);
    if (this.closingId !== undefined) kept[this.maxTokens - 1] = this.closingId;
    return kept;
  }

  /**
   * How many words the text has, and those the vocabulary does not hold whole: the unknown
   * token, or a word cut into pieces ("EBITDA" → e ##bit ##da). A rising share means the
   * model reads text it was not trained on (the drift watch, lib/drift/).
   */
  unknownWords(text: string): { words: number; unknown: string[] } {
    let words = 0;
    const unknown: string[] = [];
    for (const [word] of this.prepare(text).matchAll(WORD)) {
      words++;
      let verdict = this.unknownWord.get(word);
      if (verdict === undefined) {
        const pieces = this.tokenizer.tokenize(word, { add_special_tokens: false });
        verdict = pieces.length !== 1 || this.tokenizer.token_to_id(pieces[0]!) === this.unkId;
        if (this.unknownWord.size >= wordCacheSize) this.unknownWord.clear();
        this.unknownWord.set(word, verdict);
      }
      if (verdict) unknown.push(word);
    }
    return { words, unknown };
  }

  encode(texts: readonly string[]): EncodedBatch {
    return this.pad(texts.map((t) => this.ids(t)));
  }

  /** Lays out token-id rows as one batch padded to its longest row. */
  pad(rows: readonly number[][]): EncodedBatch {
    if (rows.length === 0) throw new PulseError('INPUT_INVALID', 'cannot encode an empty batch');
    const seqLen = Math.max(...rows.map((r) => r.length));
    const inputIds = new BigInt64Array(rows.length * seqLen).fill(this.padId);
    const attentionMask = new BigInt64Array(rows.length * seqLen);
    rows.forEach((row, r) => {
      for (let c = 0; c < row.length; c++) {
        inputIds[r * seqLen + c] = BigInt(row[c]!);
        attentionMask[r * seqLen + c] = 1n;
      }
    });
    return { batchSize: rows.length, seqLen, inputIds, attentionMask, tokenTypeIds: new BigInt64Array(rows.length * seqLen) };
  }
}
