/** The alert markers' label layout (app/lib/alert-markers.ts): no two labels overlap, none leaves the plot area. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layoutMarkers, type MarkerAlert, type MarkerLabel } from '../../app/lib/alert-markers.ts';

const area = { left: 40, right: 640, top: 10 };
/** 7 px a character: close enough to a 12-px sans-serif for the geometry. */
const width = (text: string) => 7 * text.length;
const alert = (id: string, x: number, name = 'Airlines'): MarkerAlert => ({ id, x, name, detail: 'Sentiment ↓ fell, critical, at 10:00:00' });

const overlap = (a: MarkerLabel, b: MarkerLabel) => a.top === b.top && a.left < b.left + b.width && b.left < a.left + a.width;
function assertClear(labels: readonly MarkerLabel[]) {
  for (const [i, a] of labels.entries()) {
    assert.ok(a.left >= area.left && a.left + a.width <= area.right, `label ${a.text} inside the plot area`);
    for (const b of labels.slice(i + 1)) assert.ok(!overlap(a, b), `${a.text} and ${b.text} overlap`);
  }
}

describe('alert marker labels', () => {
  it('names the stream and starts at the line', () => {
    const [label] = layoutMarkers([alert('a', 100)], area, width);
    assert.equal(label!.text, '⚠ Airlines');
    assert.equal(label!.left, 100);
    assert.equal(label!.top, area.top + 2);
  });

  it('puts a label that would cover the one before it in the next lane', () => {
    const labels = layoutMarkers([alert('b', 106), alert('a', 100)], area, width);
    assert.deepEqual(labels.map((l) => l.ids), [['a'], ['b']]);
    assert.notEqual(labels[0]!.top, labels[1]!.top);
    assertClear(labels);
  });

  it('keeps labels at the edges inside the plot area', () => {
    const labels = layoutMarkers([alert('a', area.right), alert('b', area.left)], area, width);
    assertClear(labels);
    assert.equal(labels.find((l) => l.ids[0] === 'a')!.left + labels.find((l) => l.ids[0] === 'a')!.width, area.right);
  });

  it('merges labels into one that lists them when every lane is taken', () => {
    const alerts = [1, 2, 3, 4, 5].map((i) => alert(`a${i}`, 100 + i, `Stream ${i}`));
    const labels = layoutMarkers(alerts, area, width);
    assertClear(labels);
    assert.deepEqual(labels.flatMap((l) => l.ids).sort(), ['a1', 'a2', 'a3', 'a4', 'a5']);
    const merged = labels.find((l) => l.ids.length > 1)!;
    assert.equal(merged.text, `⚠ ${merged.ids.length} alerts`);
    assert.equal(merged.tooltip.split('\n').length, merged.ids.length);
    assert.match(merged.tooltip, /^Stream \d: Sentiment ↓ fell/);
  });

  it('cuts a label wider than the plot area to its width', () => {
    const [label] = layoutMarkers([alert('a', 300, 'x'.repeat(200))], area, width);
    assert.equal(label!.left, area.left);
    assert.equal(label!.width, area.right - area.left);
  });
});
