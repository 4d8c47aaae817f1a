/**
 * `npm run model:fetch -- <hf-model-id>`: downloads an ONNX text-classification model from the
 * Hugging Face Hub into models/<name>, for hosts with internet. Pulse's build machines have
 * none, so this script is not exercised in CI; the folder it writes is loaded by the same
 * code that loads (and tests) the shipped model.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { runCli } from '../lib/cli.ts';
import { PulseError } from '../lib/errors.ts';
import { repoRoot } from '../lib/paths.ts';
import { labelMapFromId2Label } from './runtime/labels.ts';
import { resolveModelFolder } from './runtime/model-folder.ts';

const help = `Usage: npm run model:fetch -- <hf-model-id> [--revision REV] [--out DIR]

Downloads config.json, tokenizer.json, tokenizer_config.json and the ONNX weights
(onnx/model.onnx, else model.onnx) of a Hugging Face model, e.g.
  npm run model:fetch -- Xenova/distilbert-base-uncased-finetuned-sst-2-english
then checks that Pulse can map its labels. Use it with MODEL_DIR=<out>.

Options:
  --revision REV  branch, tag or commit (default: main)
  --out DIR       destination (default: models/<last part of the id>)
  HF_TOKEN        environment variable sent as a bearer token for gated models`;

async function download(url: string, dest: string, required: boolean): Promise<boolean> {
  const headers: Record<string, string> = process.env.HF_TOKEN ? { authorization: `Bearer ${process.env.HF_TOKEN}` } : {};
  const res = await fetch(url, { headers, redirect: 'follow' });
  if (res.status === 404 && !required) return false;
  if (!res.ok || !res.body) throw new PulseError('MODEL_NOT_FOUND', `GET ${url}: HTTP ${res.status}`);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), fs.createWriteStream(dest));
  console.log(`  ${path.relative(process.cwd(), dest)}`);
  return true;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      revision: { type: 'string', default: 'main' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const id = positionals[0];
  if (values.help || !id) return void console.log(help);
  const out = path.resolve(values.out ?? path.join(repoRoot, 'models', id.split('/').at(-1)!));
  const base = `https://huggingface.co/${id}/resolve/${encodeURIComponent(values.revision)}/`;
  console.log(`fetching ${id}@${values.revision} into ${out}`);
  await download(base + 'config.json', path.join(out, 'config.json'), true);
  await download(base + 'tokenizer.json', path.join(out, 'tokenizer.json'), true);
  await download(base + 'tokenizer_config.json', path.join(out, 'tokenizer_config.json'), false);
  const onnx = (await download(base + 'onnx/model.onnx', path.join(out, 'onnx', 'model.onnx'), false)) ||
    (await download(base + 'model.onnx', path.join(out, 'model.onnx'), false));
  if (!onnx) throw new PulseError('MODEL_NOT_FOUND', `${id} has neither onnx/model.onnx nor model.onnx; export it with Optimum first`);
  const folder = resolveModelFolder(out);
  const labels = labelMapFromId2Label(folder.config.id2label);
  console.log(`ok: ${labels.classes.length} classes → ${labels.classes.join(', ')}${labels.binary ? ' (binary: neutral by PULSE_NEUTRAL_THRESHOLD)' : ''}`);
  console.log(`use it with: MODEL_DIR=${out} npm start`);
}

runCli(main);
