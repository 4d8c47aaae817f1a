/**
 * What the trend's one y axis shows: the labels' shares (0–100 %) or the mean score (−1…+1).
 * Kept in the URL as `trend=share|score` beside the view's parameters (view.ts), so a link keeps
 * the choice and changing the view keeps it too.
 */

export const TrendMeasures = ['share', 'score'] as const;
export type TrendMeasure = (typeof TrendMeasures)[number];

/** The one URL parameter the measure owns. */
export const TrendParams = ['trend'] as const;

const isMeasure = (value: string | null): value is TrendMeasure => TrendMeasures.some((m) => m === value);

/** Reads `trend=`; anything else (or nothing) is the shares. */
export function parseTrendParam(params: URLSearchParams): TrendMeasure {
  const value = params.get('trend');
  return isMeasure(value) ? value : 'share';
}

export function trendQuery(measure: TrendMeasure): string {
  return new URLSearchParams({ trend: measure }).toString();
}
