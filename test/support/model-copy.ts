/**
 * A second model for promotion tests: the shipped model's files under another name, its ONNX
 * file given a doc string (protobuf field 6 of ModelProto, appended: a parser keeps the last
 * value of a field) so that its bytes, and so its version, differ while it scores exactly as
 * the shipped one. A real training run would take minutes; this takes milliseconds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { shippedModelDir } from '../../lib/paths.ts';

export function copyShippedModel(dir: string, name: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const file of fs.readdirSync(shippedModelDir)) fs.copyFileSync(path.join(shippedModelDir, file), path.join(dir, file));
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...config, _name_or_path: name }, null, 2));
  const doc = Buffer.from(`copy of the shipped model named ${name}`);
  if (doc.length > 127) throw new Error('doc string too long for a one-byte length');
  fs.appendFileSync(path.join(dir, 'model.onnx'), Buffer.concat([Buffer.from([(6 << 3) | 2, doc.length]), doc]));
  return dir;
}
