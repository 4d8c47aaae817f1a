/** The top terms of an alert: what the window says more often than the stream usually does. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rankTerms } from '../../lib/anomaly/explain.ts';

describe('alert explanation: top terms', () => {
  it('ranks by how much more often a term occurs in the window than in the baseline', () => {
    const terms = rankTerms({
      windowMessages: 100,
      baselineMessages: 1000,
      terms: [
        { term: 'acme', window: 100, baseline: 1000 }, // the stream's own word: everywhere, tells nothing
        { term: 'outage', window: 40, baseline: 5 },
        { term: 'refund', window: 10, baseline: 10 },
        { term: 'slow', window: 12, baseline: 100 }, // about as common as usual
      ],
    });
    assert.deepEqual(terms, ['outage', 'refund']);
  });

  it('with no baseline, the window\'s most frequent terms; with no window, none', () => {
    assert.deepEqual(rankTerms({ windowMessages: 10, baselineMessages: 0, terms: [{ term: 'a', window: 2, baseline: 0 }, { term: 'b', window: 5, baseline: 0 }] }), ['b', 'a']);
    assert.deepEqual(rankTerms({ windowMessages: 0, baselineMessages: 10, terms: [] }), []);
  });

  it('keeps at most the limit', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ term: `t${i}`, window: 30 - i, baseline: 0 }));
    assert.equal(rankTerms({ windowMessages: 50, baselineMessages: 500, terms: many }).length, 10);
  });
});
