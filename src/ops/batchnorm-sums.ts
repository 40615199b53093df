/**
 * BatchNorm's per-channel reductions in training, where a backend has them as one kernel
 * (`batchNormStatistics`, `batchNormBackwardSums`); each function's default is the op sequence it replaces.
 * Not part of the public API: src/nn/batchnorm.ts takes them when `hasBatchNormSums` says the backend has them,
 * and otherwise keeps its own recorded op sequence (which double backward differentiates).
 */
import { noGrad } from '../core/autograd.js';
import { isFloating } from '../core/dtype.js';
import { fmt, shapesEqual } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { describe, kernels, wrap } from './dispatch.js';
import { mul, sub } from './elementwise.js';
import { mean as meanOp, sum } from './reduce.js';
import { reshape } from './views.js';

function checkInput(op: string, name: string, t: Tensor, like?: Tensor): void {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected ${name} to be a Tensor, got ${describe(t)}`);
  if (t.ndim < 2 || !isFloating(t.dtype)) throw new RangeError(`${op}: expected a floating ${name} [N, C, ...], got ${fmt(t.shape)} ${t.dtype}`);
  if (like && (!shapesEqual(t.shape, like.shape) || t.dtype !== like.dtype)) {
    throw new RangeError(`${op}: expected ${name} of shape ${fmt(like.shape)} and dtype ${like.dtype}, got ${fmt(t.shape)} ${t.dtype}`);
  }
}

/** Every dim but the channels (1). */
const others = (x: Tensor): number[] => x.shape.map((_, d) => d).filter((d) => d !== 1);
/** A [C] vector broadcast as [1, C, 1, ...] against x. */
const perChannel = (v: Tensor, x: Tensor): Tensor => reshape(v, [1, x.shape[1], ...x.shape.slice(2).map(() => 1)]);

/** Whether x's backend computes both reductions in one kernel each. */
export function hasBatchNormSums(x: Tensor): boolean {
  const k = kernels('batchNorm', x);
  return k.batchNormStatistics !== undefined && k.batchNormBackwardSums !== undefined;
}

/** Per channel of x [N, C, ...]: the mean and the biased variance, two [C] tensors (not recorded for autograd). */
export function batchNormStatistics(x: Tensor): [Tensor, Tensor] {
  checkInput('batchNormStatistics', 'input', x);
  const fast = kernels('batchNormStatistics', x).batchNormStatistics;
  const C = x.shape[1];
  if (fast) {
    const [m, v] = fast(x);
    return [wrap(m, [C], x.dtype), wrap(v, [C], x.dtype)];
  }
  return noGrad(() => {
    const centre = meanOp(x, others(x), true);
    const centred = sub(x, centre);
    return [reshape(centre, [C]), reshape(meanOp(mul(centred, centred), others(x)), [C])];
  });
}

/** Per channel: Σ gy and Σ gy·(x − mean[c]) over every dim but 1, two [C] tensors (not recorded for autograd). */
export function batchNormBackwardSums(gy: Tensor, x: Tensor, mean: Tensor): [Tensor, Tensor] {
  const op = 'batchNormBackwardSums';
  checkInput(op, 'input', x);
  checkInput(op, 'gy', gy, x);
  if (!(mean instanceof Tensor) || !shapesEqual(mean.shape, [x.shape[1]]) || mean.dtype !== x.dtype) {
    throw new RangeError(`${op}: expected mean of shape [${x.shape[1]}] and dtype ${x.dtype}, got ${mean instanceof Tensor ? `${fmt(mean.shape)} ${mean.dtype}` : describe(mean)}`);
  }
  const fast = kernels(op, gy, x, mean).batchNormBackwardSums;
  const C = x.shape[1];
  if (fast) {
    const [a, b] = fast(gy, x, mean);
    return [wrap(a, [C], x.dtype), wrap(b, [C], x.dtype)];
  }
  return noGrad(() => [sum(gy, others(x)), sum(mul(gy, sub(x, perChannel(mean, x))), others(x))]);
}
