/** Argument checks and small formatting helpers shared by the nn layer. */
import { isFloating } from '../core/dtype.js';
import { fmt, shapesEqual } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { describe } from '../ops/dispatch.js';

export function checkTensor(x: unknown, op: string, name = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected ${name} to be a Tensor, got ${describe(x)}`);
}

export function checkFloating(x: Tensor, op: string, name = 'input'): void {
  if (!isFloating(x.dtype)) throw new TypeError(`${op}: expected a floating point ${name}, got ${x.dtype}`);
}

export function checkSameShape(input: Tensor, target: Tensor, op: string): void {
  if (!shapesEqual(input.shape, target.shape)) {
    throw new RangeError(`${op}: expected target with the input's shape ${fmt(input.shape)}, got ${fmt(target.shape)}`);
  }
}

/** A probability p in [0, 1] (dropout rates, label smoothing). */
export function checkProbability(p: number, op: string, name = 'p'): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: ${name} has to be between 0 and 1, got ${p}`);
}

export function checkPositiveInt(n: number, op: string, name: string): void {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${op}: ${name} must be a positive integer, got ${n}`);
}

/**
 * A float as Python's repr writes it ('0.1', '1e-05', '1.0'), so printed modules read like PyTorch's.
 * JS cannot tell 1 from 1.0: values that PyTorch declares as floats are printed with this.
 */
export function pyFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  const [mantissa, exponent] = x.toExponential().split('e');
  const e = Number(exponent);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(x);
}

/** Python's repr of a bool. */
export const pyBool = (b: boolean): string => (b ? 'True' : 'False');

/** A size as PyTorch prints it: an int, or a tuple '(2, 2)'. */
export function pySize(s: number | readonly number[]): string {
  if (typeof s === 'number') return String(s);
  return s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`;
}
