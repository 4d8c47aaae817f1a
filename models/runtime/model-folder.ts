import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PulseError } from '../../lib/errors.ts';

/** The part of a Hugging Face `config.json` Pulse relies on; everything else is passed through. */
const ModelConfigSchema = z.looseObject({
  id2label: z.record(z.string().regex(/^\d+$/), z.string().min(1)),
  model_type: z.string().optional(),
  _name_or_path: z.string().optional(),
});
export type HfModelConfig = z.infer<typeof ModelConfigSchema>;

export interface ModelFolder {
  dir: string;
  /** Human-readable model name: config `_name_or_path`, else the folder name. */
  name: string;
  onnxPath: string;
  config: HfModelConfig;
}

/** `model.onnx` at the top, else the export layout of transformers.js / Optimum (`onnx/model*.onnx`). */
function findOnnx(dir: string): string | undefined {
  const top = path.join(dir, 'model.onnx');
  if (fs.existsSync(top)) return top;
  const sub = path.join(dir, 'onnx');
  if (!fs.existsSync(sub)) return undefined;
  const candidates = fs.readdirSync(sub).filter((f) => /^model.*\.onnx$/.test(f));
  // Full precision first: quantised variants trade accuracy and are picked only when alone.
  candidates.sort((a, b) => (a === 'model.onnx' ? -1 : b === 'model.onnx' ? 1 : a.localeCompare(b)));
  return candidates[0] && path.join(sub, candidates[0]);
}

/** Validates a model folder in the Hugging Face layout and says precisely what is missing. */
export function resolveModelFolder(dir: string): ModelFolder {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new PulseError('MODEL_NOT_FOUND', `model folder not found: ${dir} (set MODEL_DIR)`);
  }
  const onnxPath = findOnnx(dir);
  if (!onnxPath) throw new PulseError('MODEL_NOT_FOUND', `no model.onnx or onnx/model*.onnx in ${dir}`);
  for (const required of ['config.json', 'tokenizer.json']) {
    if (!fs.existsSync(path.join(dir, required))) {
      throw new PulseError('MODEL_INVALID', `${required} missing in model folder ${dir}`);
    }
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  } catch (err) {
    throw new PulseError('MODEL_INVALID', `config.json in ${dir} is not valid JSON`, { cause: err });
  }
  const parsed = ModelConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PulseError('MODEL_INVALID', `config.json in ${dir} has no usable id2label: ${parsed.error.issues[0]?.message}`);
  }
  return { dir, name: parsed.data._name_or_path || path.basename(dir), onnxPath, config: parsed.data };
}
