/**
 * Keyboard access to a chart's points: with the canvas focused, ← → (Home, End) move a cursor
 * over the points of the first dataset and show their tooltip; Enter or Space picks the
 * point, as a click would.
 */
import type { Chart, ChartType } from 'chart.js';
import { useCallback, useRef, type KeyboardEvent, type RefObject } from 'react';

export function useChartKeys<T extends ChartType>(
  chartRef: RefObject<Chart<T> | null | undefined>,
  onPick: (index: number) => void,
): (event: KeyboardEvent<HTMLCanvasElement>) => void {
  const cursor = useRef<number | null>(null);
  return useCallback(
    (event: KeyboardEvent<HTMLCanvasElement>) => {
      const chart = chartRef.current;
      const n = chart?.data.datasets[0]?.data.length ?? 0;
      if (!chart || !n) return;
      const at = cursor.current === null ? null : Math.min(cursor.current, n - 1);
      const moves: Record<string, number> = {
        ArrowLeft: at === null ? n - 1 : Math.max(0, at - 1),
        ArrowRight: at === null ? 0 : Math.min(n - 1, at + 1),
        Home: 0,
        End: n - 1,
      };
      if (event.key in moves) {
        event.preventDefault();
        const index = moves[event.key]!;
        cursor.current = index;
        const active = chart.data.datasets.map((_, datasetIndex) => ({ datasetIndex, index })).filter((a) => chart.isDatasetVisible(a.datasetIndex));
        chart.setActiveElements(active);
        chart.tooltip?.setActiveElements(active, { x: 0, y: 0 });
        chart.update('none');
      } else if ((event.key === 'Enter' || event.key === ' ') && at !== null) {
        event.preventDefault();
        onPick(at);
      }
    },
    [chartRef, onPick],
  );
}
