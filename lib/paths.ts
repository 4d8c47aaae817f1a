import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Repository root, so defaults do not depend on the caller's working directory. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const shippedModelDir = path.join(repoRoot, 'models', 'pulse-sentiment');
