import * as ort from 'onnxruntime-node';
import type { ModelConfig } from '../../lib/config.ts';
import { PulseError } from '../../lib/errors.ts';
import type { Label, Prediction } from '../../lib/sentiment.ts';
import { labelMapFromId2Label, predictionFromLogits, type LabelMap } from './labels.ts';
import { resolveModelFolder } from './model-folder.ts';
import { openSession, type Provider } from './session.ts';
import { Tokenizer, type EncodedBatch } from './tokenizer.ts';

export interface ClassifierInfo {
  model: string;
  dir: string;
  provider: Provider;
  fallbackReason?: string;
  /** Pulse label of each model output class. */
  classes: Label[];
  binary: boolean;
  maxTokens: number;
}

const knownInputs = ['input_ids', 'attention_mask', 'token_type_ids'] as const;
/** Smallest length-sorted slice run as one inference call; below it per-call overhead dominates. */
const minSlice = 24;

/**
 * One tokenizer + one ONNX Runtime session. `run()` blocks the thread it is called on, so
 * inside Pulse a Classifier lives in a pool worker thread (pool.ts), never on a server loop.
 */
export class Classifier {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: Tokenizer,
    private readonly labels: LabelMap,
    private readonly outputName: string,
    private readonly neutralThreshold: number,
    readonly info: ClassifierInfo,
  ) {}

  static async load(config: ModelConfig): Promise<Classifier> {
    const folder = resolveModelFolder(config.dir);
    const labels = labelMapFromId2Label(folder.config.id2label);
    const tokenizer = await Tokenizer.load(folder.dir, config.maxTokens);
    const { session, provider, fallbackReason } = await openSession(folder.onnxPath, config.device);
    const unknown = session.inputNames.filter((n) => !(knownInputs as readonly string[]).includes(n));
    if (unknown.length > 0 || !session.inputNames.includes('input_ids')) {
      await session.release();
      throw new PulseError('MODEL_INVALID', `unsupported model inputs ${session.inputNames.join(', ')} (expected ${knownInputs.join(', ')})`);
    }
    const outputName = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0]!;
    const info: ClassifierInfo = {
      model: folder.name, dir: folder.dir, provider, classes: labels.classes, binary: labels.binary,
      maxTokens: tokenizer.maxTokens, ...(fallbackReason ? { fallbackReason } : {}),
    };
    const classifier = new Classifier(session, tokenizer, labels, outputName, config.neutralThreshold, info);
    await classifier.classify(['probe']); // fails now, with a clear error, if outputs do not match id2label
    return classifier;
  }

  /**
   * Classifies texts in order. Rows are sorted by token count and run in slices of at least
   * `minSlice`, so short texts are not padded to the longest one in the batch: for tweets this
   * saves about a fifth of the inference work at batch 64 (bench:model).
   */
  async classify(texts: readonly string[]): Promise<Prediction[]> {
    if (texts.length === 0) return [];
    const rows = texts.map((t) => this.tokenizer.ids(t));
    const order = rows.map((_, i) => i).sort((a, b) => rows[a]!.length - rows[b]!.length);
    const slices = Math.max(1, Math.floor(order.length / minSlice));
    const out: Prediction[] = new Array(texts.length);
    for (let s = 0; s < slices; s++) {
      const idx = order.slice(Math.floor((s * order.length) / slices), Math.floor(((s + 1) * order.length) / slices));
      const predictions = await this.predict(this.tokenizer.pad(idx.map((i) => rows[i]!)));
      idx.forEach((i, k) => (out[i] = predictions[k]!));
    }
    return out;
  }

  private async predict(batch: EncodedBatch): Promise<Prediction[]> {
    const logits = await this.run(batch);
    const classes = this.labels.classes.length;
    const dims = logits.dims;
    if (dims.length !== 2 || dims[0] !== batch.batchSize || dims[1] !== classes) {
      throw new PulseError('MODEL_INVALID', `model output ${this.outputName} has shape [${dims.join(', ')}], expected [${batch.batchSize}, ${classes}] from id2label`);
    }
    const data = logits.data as Float32Array;
    return Array.from({ length: batch.batchSize }, (_, row) =>
      predictionFromLogits(data.subarray(row * classes, (row + 1) * classes), this.labels, this.neutralThreshold),
    );
  }

  private async run(batch: EncodedBatch): Promise<ort.Tensor> {
    const shape = [batch.batchSize, batch.seqLen];
    const all: Record<(typeof knownInputs)[number], BigInt64Array> = {
      input_ids: batch.inputIds, attention_mask: batch.attentionMask, token_type_ids: batch.tokenTypeIds,
    };
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of this.session.inputNames) feeds[name] = new ort.Tensor('int64', all[name as keyof typeof all], shape);
    try {
      const out = await this.session.run(feeds, [this.outputName]);
      return out[this.outputName]!;
    } catch (err) {
      throw new PulseError('MODEL_INFERENCE_FAILED', `inference failed: ${(err as Error).message}`, { cause: err });
    }
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
