import Link from 'next/link';
import { compareQuery } from '../../lib/compare-view.ts';
import type { View } from '../../lib/view.ts';

/** The overview's way to the comparison: same window and source, every stream. */
export function CompareLink({ view }: { view: View }) {
  const href = `/compare?${compareQuery({ streams: null, window: view.window, source: view.source, measure: 'volume' })}`;
  return (
    <p className="text-sm">
      <Link href={href} className="text-slate-700 underline underline-offset-2 hover:text-slate-900" data-testid="compare-link">
        Share of voice: compare the streams side by side →
      </Link>
    </p>
  );
}
