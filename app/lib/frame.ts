/**
 * Coalesces many calls into one per animation frame: live events arrive by the hundred per
 * second, but the page re-renders (and the charts redraw) at most once per frame.
 */
export function perFrame(run: () => void): { schedule(): void; cancel(): void } {
  let handle: number | null = null;
  return {
    schedule() {
      handle ??= requestAnimationFrame(() => {
        handle = null;
        run();
      });
    },
    cancel() {
      if (handle !== null) cancelAnimationFrame(handle);
      handle = null;
    },
  };
}
