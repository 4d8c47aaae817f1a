/**
 * Keyboard access to a chart's points: with the canvas focused, ← → (Home, End) move a cursor
 * over the points of the first dataset and show their tooltip; Enter or Space picks the
 * point, as a click would. A point without a value (a line's break at an outage) is skipped.
 */
import type { Chart, ChartType } from 'chart.js';
import { useCallback, useRef, type KeyboardEvent, type RefObject } from 'react';

/** A point that breaks a line: `{x, y: null}` (a doughnut's plain numbers never are). */
const isBreak = (value: unknown): boolean => typeof value === 'object' && value !== null && 'y' in value && value.y === null;

export function useChartKeys<T extends ChartType>(
  chartRef: RefObject<Chart<T> | null | undefined>,
  onPick: (index: number) => void,
): (event: KeyboardEvent<HTMLCanvasElement>) => void {
  const cursor = useRef<number | null>(null);
  return useCallback(
    (event: KeyboardEvent<HTMLCanvasElement>) => {
      const chart = chartRef.current;
      const data: readonly unknown[] = chart?.data.datasets[0]?.data ?? [];
      const points = data.flatMap((value, index) => (isBreak(value) ? [] : [index]));
      const n = points.length;
      if (!chart || !n) return;
      // The cursor's place among the points that have a value.
      const at = cursor.current === null ? null : Math.max(0, points.findLastIndex((i) => i <= cursor.current!));
      const moves: Record<string, number> = {
        ArrowLeft: at === null ? n - 1 : Math.max(0, at - 1),
        ArrowRight: at === null ? 0 : Math.min(n - 1, at + 1),
        Home: 0,
        End: n - 1,
      };
      if (event.key in moves) {
        event.preventDefault();
        const index = points[moves[event.key]!]!;
        cursor.current = index;
        const active = chart.data.datasets
          .map((dataset, datasetIndex) => ({ datasetIndex, index, value: dataset.data[index] }))
          .filter((a) => chart.isDatasetVisible(a.datasetIndex) && a.value !== undefined && !isBreak(a.value))
          .map(({ datasetIndex }) => ({ datasetIndex, index }));
        chart.setActiveElements(active);
        chart.tooltip?.setActiveElements(active, { x: 0, y: 0 });
        chart.update('none');
      } else if ((event.key === 'Enter' || event.key === ' ') && at !== null) {
        event.preventDefault();
        onPick(points[at]!);
      }
    },
    [chartRef, onPick],
  );
}
