/**
 * The anomaly score in [0, 1] of offline scoring (NAB sweeps a threshold over it), from the
 * two-sided normal p-value of z under the detector's noise model:
 *
 *   score = 1 − 2^(−ln p(z) / ln p(threshold))
 *
 * 0 for z = 0, exactly 0.5 at the alert threshold, 0.75 where p is the square of the
 * threshold's p, and so on towards 1. It is monotone in |z|, so a threshold on the score is a
 * threshold on |z|. The plain 1 − p would be the simpler calibration, but it rounds to
 * exactly 1 from |z| ≈ 8.3 on, which hides every stronger deviation from a threshold sweep.
 */

/**
 * Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7),
 * which keeps the tail precise far past where 1 − erf(x) would round to 0.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** ln of the two-sided p-value of z; the asymptotic tail where erfc would underflow. */
export function logPValue(z: number): number {
  const a = Math.abs(z);
  if (a < 30) return Math.log(erfc(a / Math.SQRT2));
  return -0.5 * a * a - Math.log(a * Math.sqrt(Math.PI / 2));
}

export function anomalyScore(z: number, threshold: number): number {
  if (z === 0) return 0;
  return 1 - 2 ** (-logPValue(z) / logPValue(threshold));
}
