/**
 * The dashboard's production build (`.next/`), made when it is missing or older than its
 * sources: `npm start` runs server/build-ui.ts first (prestart), the browser test calls
 * `ensureUiBuild`, and the Dockerfile builds at image build time, so a fresh clone needs no
 * separate build step.
 *
 * "Older than its sources" is a content hash, not mtimes: a checkout or `git stash` touches
 * mtimes without changing anything, and an edit within the same second must still count.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '../../lib/paths.ts';

/**
 * What the client bundle is built from. All of lib/, not only what app/ imports today: a
 * needless rebuild costs half a minute, a stale dashboard costs a confusing bug.
 */
const inputs = ['app', 'public', 'lib', 'next.config.js', 'postcss.config.mjs', 'tsconfig.json', 'tsconfig.next.json', 'package-lock.json'];
const distDir = path.join(repoRoot, '.next');
/** Written after a successful build: the hash of the inputs it was built from. */
const stampFile = path.join(distDir, 'pulse-build.json');

export type UiBuildState = 'fresh' | 'stale' | 'missing';

function* files(rel: string): Generator<string> {
  const abs = path.join(repoRoot, rel);
  if (!fs.existsSync(abs)) return;
  if (!fs.statSync(abs).isDirectory()) return yield rel;
  for (const entry of fs.readdirSync(abs).sort()) yield* files(path.join(rel, entry));
}

export function inputsHash(): string {
  const hash = createHash('sha256');
  for (const rel of inputs.flatMap((i) => [...files(i)])) {
    hash.update(`${rel}\0`).update(fs.readFileSync(path.join(repoRoot, rel))).update('\0');
  }
  return hash.digest('hex');
}

export function uiBuildState(): UiBuildState {
  if (!fs.existsSync(path.join(distDir, 'BUILD_ID'))) return 'missing';
  try {
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as { hash?: unknown };
    return stamp.hash === inputsHash() ? 'fresh' : 'stale';
  } catch {
    return 'stale';
  }
}

/** Runs `next build`; its progress goes to stderr (stdout stays free for test reporters). */
export async function buildUi(): Promise<void> {
  const hash = inputsHash();
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build'], {
      cwd: repoRoot,
      // Pulse runs offline: Next's telemetry would only wait on a network that is not there.
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
      stdio: ['ignore', process.stderr, process.stderr],
    });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`next build failed (exit ${code}); its output is above`);
  fs.writeFileSync(stampFile, `${JSON.stringify({ hash, builtAt: new Date().toISOString() })}\n`);
}

/** Builds unless the build is fresh; says which happened. */
export async function ensureUiBuild(): Promise<'fresh' | 'built'> {
  if (uiBuildState() === 'fresh') return 'fresh';
  await buildUi();
  return 'built';
}
