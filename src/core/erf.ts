/** The Gauss error function on JS numbers (GELU and truncated normal initialisation need it exactly). */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** Abramowitz & Stegun 7.1.5: erf x = 2/√π Σ (-1)ⁿ x²ⁿ⁺¹ / (n! (2n+1)); accurate to ~1e-14 for |x| < 2.5. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; ; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) <= 1e-17 * Math.abs(sum)) return TWO_OVER_SQRT_PI * sum;
  }
}

/**
 * A&S 7.1.14: erfc z = e^(-z²)/√π · 1/(z + (1/2)/(z + (2/2)/(z + (3/2)/(z + ...)))) for z > 0, evaluated
 * backwards from a depth that shrinks as z grows (the fraction converges faster far from 0).
 */
function erfcContinuedFraction(z: number): number {
  let f = z;
  for (let k = Math.floor(8 + 400 / (z * z)); k > 0; k--) f = z + k / 2 / f;
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
}

/** erf(x) in double precision (relative error below 1e-14). */
export function erf(x: number): number {
  if (x !== x) return NaN;
  if (Math.abs(x) < 2.5) return erfSeries(x);
  const tail = erfcContinuedFraction(Math.abs(x));
  return x > 0 ? 1 - tail : tail - 1;
}

/** erfc(x) = 1 - erf(x), without cancellation in the upper tail. */
export function erfc(x: number): number {
  if (x !== x) return NaN;
  if (x >= 2.5) return erfcContinuedFraction(x);
  if (x <= -2.5) return 2 - erfcContinuedFraction(-x);
  return 1 - erfSeries(x);
}

/** The standard normal CDF Φ(x) = erfc(-x/√2)/2. */
export function normalCdf(x: number): number {
  return erfc(-x / Math.SQRT2) / 2;
}
