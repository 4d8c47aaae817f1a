/**
 * SemEval-2014 ABSA review sentences (../shared/datasets/semeval2014-absa) as sentence-level
 * sentiment: the domain `npm run bench:adapt` adapts the shipped model to. The model was never
 * trained on these (models/README.md). A sentence is labelled by its aspects' polarities:
 * positive when some aspect is positive and none negative, negative the other way round,
 * neutral when every aspect is neutral; sentences with both, with a `conflict` aspect, or
 * without aspects are left out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeXML } from 'entities';
import type { Label } from '../lib/sentiment.ts';

export interface AbsaSentence {
  /** `<domain>-<the file's sentence id>`: unique within a domain. */
  id: string;
  text: string;
  label: Label;
}

export type AbsaDomain = 'laptop' | 'restaurant';

const files: Record<AbsaDomain, string> = { laptop: 'Laptop_Train_v2.xml', restaurant: 'Restaurants_Train_v2.xml' };

function sentenceLabel(polarities: string[]): Label | null {
  if (!polarities.length || polarities.includes('conflict')) return null;
  const pos = polarities.includes('positive');
  const neg = polarities.includes('negative');
  if (pos && neg) return null;
  return pos ? 'positive' : neg ? 'negative' : 'neutral';
}

/** The domain's labelled sentences, in the file's order. */
export function absaSentences(datasetsDir: string, domain: AbsaDomain): AbsaSentence[] {
  const xml = fs.readFileSync(path.join(datasetsDir, 'semeval2014-absa', files[domain]), 'utf8');
  const out: AbsaSentence[] = [];
  for (const m of xml.matchAll(/<sentence id="([^"]+)">([\s\S]*?)<\/sentence>/g)) {
    const text = /<text>([\s\S]*?)<\/text>/.exec(m[2]!)?.[1];
    const label = sentenceLabel([...m[2]!.matchAll(/<aspectTerm [^>]*polarity="([^"]+)"/g)].map((p) => p[1]!));
    if (text && label) out.push({ id: `${domain}-${m[1]}`, text: decodeXML(text).trim(), label });
  }
  return out;
}
