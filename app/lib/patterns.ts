/**
 * Fill patterns of the distribution chart's slices, so the labels differ in texture as well
 * as colour: negative striped, neutral dotted, positive solid.
 */
import type { Label } from '../../lib/contracts/messages.ts';
import { labelStyles } from './palette.ts';

const cache = new Map<Label, CanvasPattern | string>();

export function labelFill(ctx: CanvasRenderingContext2D, label: Label): CanvasPattern | string {
  const { colour } = labelStyles[label];
  const cached = cache.get(label);
  if (cached || label === 'positive') return cached ?? colour;
  const tile = document.createElement('canvas');
  tile.width = tile.height = 10;
  const t = tile.getContext('2d');
  if (!t) return colour;
  t.fillStyle = colour;
  t.fillRect(0, 0, 10, 10);
  t.strokeStyle = t.fillStyle = 'rgba(255,255,255,0.75)';
  if (label === 'negative') {
    t.lineWidth = 2;
    t.beginPath();
    t.moveTo(0, 10);
    t.lineTo(10, 0);
    t.moveTo(-5, 5);
    t.lineTo(5, -5);
    t.moveTo(5, 15);
    t.lineTo(15, 5);
    t.stroke();
  } else {
    t.beginPath();
    t.arc(5, 5, 1.8, 0, 2 * Math.PI);
    t.fill();
  }
  const pattern = ctx.createPattern(tile, 'repeat') ?? colour;
  cache.set(label, pattern);
  return pattern;
}
