/**
 * The comparison page's view and its URL form, so a comparison can be shared by link:
 * `?streams=a,b` (absent: every stream), the window as on the overview (`window=` or
 * `from=&to=`), `source=`, and `show=score` for the mean score instead of the volume.
 */
import type { LiveWindow } from '../../lib/contracts/live.ts';
import { parseView, viewQuery } from './view.ts';

export type Measure = 'volume' | 'score';

export interface CompareView {
  /** Stream ids; null = every stream; empty (`streams=`): none ticked, nothing to compare. */
  streams: string[] | null;
  window: LiveWindow;
  source: string | null;
  measure: Measure;
}

export function parseCompareView(params: URLSearchParams): CompareView {
  const { window, source } = parseView(params);
  const ids = params.get('streams')?.split(',').map((id) => id.trim()).filter(Boolean);
  return { streams: ids ? [...new Set(ids)] : null, window, source, measure: params.get('show') === 'score' ? 'score' : 'volume' };
}

export function compareQuery(view: CompareView): string {
  const params = new URLSearchParams();
  if (view.streams) params.set('streams', view.streams.join(','));
  for (const [key, value] of new URLSearchParams(viewQuery({ window: view.window, stream: null, source: view.source }))) params.set(key, value);
  if (view.measure === 'score') params.set('show', 'score');
  return params.toString();
}

/** The overview on one stream, same window and source: where a row of the comparison leads. */
export function overviewHref(view: Pick<CompareView, 'window' | 'source'>, stream: string | null): string {
  return `/?${viewQuery({ window: view.window, stream, source: view.source })}`;
}
