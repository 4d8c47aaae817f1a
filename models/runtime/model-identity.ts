/**
 * Which model a folder holds, without loading it: its name, its class labels, and a version
 * taken from the ONNX file's bytes, so two folders with the same name but other weights read as
 * two versions. Read once per folder and process: a model's files do not change under a
 * running process.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Label } from '../../lib/sentiment.ts';
import { labelMapFromId2Label } from './labels.ts';
import { resolveModelFolder } from './model-folder.ts';

export interface ModelIdentity {
  name: string;
  /** `sha256:` and the first 12 hex digits of the ONNX file. */
  version: string;
  /** The ONNX file, relative to the folder. */
  file: string;
  labels: Label[];
  /** `trainedAt` of the folder's metrics.json (`npm run model:train` writes one); null without. */
  trainedAt: string | null;
}

const Metrics = z.looseObject({ trainedAt: z.iso.datetime() });

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function trainedAt(dir: string): string | null {
  const file = path.join(dir, 'metrics.json');
  if (!existsSync(file)) return null;
  try {
    return Metrics.parse(JSON.parse(readFileSync(file, 'utf8'))).trainedAt;
  } catch {
    return null; // a metrics file of another shape says nothing about when
  }
}

const known = new Map<string, Promise<ModelIdentity>>();

export function modelIdentity(dir: string): Promise<ModelIdentity> {
  let identity = known.get(dir);
  if (!identity) {
    identity = (async () => {
      const folder = resolveModelFolder(dir);
      return {
        name: folder.name,
        version: `sha256:${(await sha256(folder.onnxPath)).slice(0, 12)}`,
        file: path.relative(folder.dir, folder.onnxPath),
        labels: labelMapFromId2Label(folder.config.id2label).classes,
        trainedAt: trainedAt(folder.dir),
      };
    })();
    // A folder that could not be read is read again next time (it may be mended meanwhile).
    identity.catch(() => known.delete(dir));
    known.set(dir, identity);
  }
  return identity;
}
