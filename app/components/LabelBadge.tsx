import type { Label } from '../../lib/contracts/messages.ts';
import { labelStyles } from '../lib/palette.ts';
import { Badge } from './Badge.tsx';

/** A message's label as a badge. */
export function LabelBadge({ label }: { label: Label }) {
  return <Badge style={labelStyles[label]} />;
}
