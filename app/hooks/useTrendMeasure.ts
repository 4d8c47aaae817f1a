/** The trend's measure (app/lib/trend-measure.ts), read from and written to the page's URL. */
import { useUrlState } from './useUrlState.ts';
import { parseTrendParam, TrendParams, trendQuery, type TrendMeasure } from '../lib/trend-measure.ts';

export function useTrendMeasure(): [TrendMeasure, (measure: TrendMeasure) => void] {
  return useUrlState(parseTrendParam, trendQuery, TrendParams);
}
