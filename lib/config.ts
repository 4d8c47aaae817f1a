import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { PulseError } from './errors.ts';
import { repoRoot, shippedModelDir } from './paths.ts';

const intFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const EnvSchema = z.object({
  MODEL_DIR: z.string().min(1).default(shippedModelDir),
  PULSE_DEVICE: z.enum(['auto', 'cpu', 'cuda']).default('auto'),
  /** Worker threads in the inference pool, one ONNX session each. */
  PULSE_MODEL_THREADS: intFromEnv(1, 64).default(Math.max(1, Math.min(4, os.availableParallelism()))),
  /** Texts per inference call; larger requests are split across the pool's threads. */
  PULSE_MODEL_BATCH: intFromEnv(1, 1024).default(64),
  /** Longer inputs are truncated; tweets average ~30 word pieces, reviews ~60. */
  PULSE_MAX_TOKENS: intFromEnv(8, 512).default(128),
  /** Two-label (SST-2 style) models answer neutral below this confidence. */
  PULSE_NEUTRAL_THRESHOLD: z.coerce.number().min(0.5).max(1).default(0.7),
  DATASETS_DIR: z.string().min(1).default(path.resolve(repoRoot, '..', 'shared', 'datasets')),
});

export interface ModelConfig {
  dir: string;
  device: 'auto' | 'cpu' | 'cuda';
  threads: number;
  batchSize: number;
  maxTokens: number;
  neutralThreshold: number;
}

export interface Config {
  model: ModelConfig;
  datasetsDir: string;
}

/** Parses the environment once into a typed object; every entry point calls this. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new PulseError('CONFIG_INVALID', `invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  return {
    model: {
      dir: path.resolve(e.MODEL_DIR),
      device: e.PULSE_DEVICE,
      threads: e.PULSE_MODEL_THREADS,
      batchSize: e.PULSE_MODEL_BATCH,
      maxTokens: e.PULSE_MAX_TOKENS,
      neutralThreshold: e.PULSE_NEUTRAL_THRESHOLD,
    },
    datasetsDir: path.resolve(e.DATASETS_DIR),
  };
}
