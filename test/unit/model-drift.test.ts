import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../lib/config.ts';
import { driftingSince } from '../../lib/drift/episode.ts';
import { compareProfiles, decidingPsi, unknownShareBin, type DriftProfile } from '../../lib/drift/profile.ts';
import { decileGroups, psi, regroup } from '../../lib/drift/psi.ts';
import { Tokenizer } from '../../models/runtime/tokenizer.ts';

describe('population stability index', () => {
  it('is 0 for the same shares, grows with the shift, and stays finite over an empty bin', () => {
    assert.ok(psi([10, 20, 70], [20, 40, 140]) < 1e-3, 'the same shares (the half-message smoothing leaves a trace)');
    const small = psi([30, 30, 40], [35, 30, 35]);
    const large = psi([30, 30, 40], [70, 20, 10]);
    assert.ok(small > 0 && small < 0.1, `small ${small}`);
    assert.ok(large > 0.5, `large ${large}`);
    assert.ok(Number.isFinite(psi([0, 50, 50], [50, 50, 0])));
  });

  it('cuts fine bins into groups of about a tenth of the reference each', () => {
    const reference = Array.from({ length: 100 }, (_, i) => (i >= 60 ? 10 : 0));
    const groups = decileGroups(reference);
    assert.equal(groups.length, 10);
    assert.deepEqual(regroup(reference, groups), Array(10).fill(40));
    assert.deepEqual(groups.flat(), Array.from({ length: 100 }, (_, i) => i), 'every bin in one group, in order');
  });
});

describe('drift profile', () => {
  const profile = (confidence: number[], labels: [number, number, number], unknownShares: number[], words: number, unknownWords: number): DriftProfile => {
    const fine = new Array<number>(100).fill(0);
    confidence.forEach((c) => (fine[Math.min(99, Math.floor(c * 100))]! += 1));
    return { messages: confidence.length, confidence: fine, labels, unknownShares, words, unknownWords };
  };
  const evenly = (n: number, low: number, high: number, offset = 0) => Array.from({ length: n }, (_, i) => low + ((high - low) * ((i + offset) % n)) / n);

  it('reads two samples of one population as steady and lower confidence as drift; the label mix decides nothing', () => {
    const reference = profile(evenly(1000, 0.5, 1), [300, 400, 300], [600, 200, 100, 60, 40], 10_000, 800);
    const same = profile(evenly(200, 0.5, 1, 1), [60, 80, 60], [120, 40, 20, 12, 8], 2000, 160);
    const lower = profile(evenly(200, 0.35, 0.7), [60, 80, 60], [120, 40, 20, 12, 8], 2000, 160);
    const angrier = profile(evenly(200, 0.5, 1, 3), [140, 40, 20], [120, 40, 20, 12, 8], 2000, 160);
    assert.ok(decidingPsi(compareProfiles(reference, same)) < 0.1);
    assert.ok(decidingPsi(compareProfiles(reference, lower)) > 0.2);
    const mood = compareProfiles(reference, angrier);
    assert.ok(mood.psi.labels > 0.2 && decidingPsi(mood) < 0.1, JSON.stringify(mood));
    assert.deepEqual(compareProfiles(reference, same).unknownRate, { current: 0.08, reference: 0.08 });
  });

  it('puts a message\'s unknown-word share in its bin', () => {
    assert.deepEqual([[10, 0], [0, 0], [10, 1], [10, 2], [10, 5], [10, 6], [3, 3]].map(([w, u]) => unknownShareBin(w!, u!)), [0, 0, 1, 2, 3, 4, 4]);
  });
});

describe('drifting since', () => {
  const minute = 60_000;
  const at = (m: number) => new Date(m * minute).toISOString();
  it('is the start of the latest unbroken run of drifting readings', () => {
    const readings = [
      { at: at(0), state: 'drifting' as const }, { at: at(1), state: 'steady' as const },
      { at: at(2), state: 'drifting' as const }, { at: at(3), state: 'drifting' as const }, { at: at(4), state: 'drifting' as const },
    ];
    assert.equal(driftingSince(readings, minute), 2 * minute);
    assert.equal(driftingSince([...readings, { at: at(5), state: 'few' }], minute), null, 'a window too thin to judge breaks the run');
    assert.equal(driftingSince([{ at: at(0), state: 'drifting' }, { at: at(10), state: 'drifting' }], minute), 10 * minute, 'missed checks break it');
    assert.equal(driftingSince([], minute), null);
  });
});

describe('unknown words', () => {
  it('counts words the vocabulary does not hold whole, with the shipped tokenizer', async () => {
    const config = loadConfig({});
    const tokenizer = await Tokenizer.load(config.model.dir, config.model.maxTokens);
    assert.deepEqual(tokenizer.unknownWords('The battery life is AMAZING!'), { words: 5, unknown: [] });
    assert.deepEqual(tokenizer.unknownWords('EBITDA rose 5% amid headwinds, says @analyst http://x.co'), { words: 7, unknown: ['EBITDA', 'headwinds'] });
  });
});
