import { record } from '../core/autograd.js';
import { broadcastShapes, fmt, numel } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { describe, kernels, wrap } from './dispatch.js';
import { define, is, signature } from '../core/args.js';
import { traced } from './trace.js';
import { expand, reshape, squeeze, transpose, unsqueeze } from './views.js';

/** The primitive: a [B,M,K] times b [B,K,N]. Its gradient is two more batched products. */
function bmm(a: Tensor, b: Tensor): Tensor {
  const [batch, m] = a.shape;
  const n = b.shape[2];
  const out = wrap(kernels('matmul', a, b).matmul(a, b, a.dtype), [batch, m, n], a.dtype);
  return record('BmmBackward0', out, [a, b], (g) => [
    a.requiresGrad ? bmm(g, transpose(b, 1, 2)) : null,
    b.requiresGrad ? bmm(transpose(a, 1, 2), g) : null,
  ]);
}

/** torch.matmul: dot, matrix-vector, matrix-matrix and batched products with broadcast batch dims. */
function matmulOf(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new TypeError(`matmul: expected two tensors, got ${describe(a)} and ${describe(b)}`);
  if (a.ndim === 0 || b.ndim === 0) throw new RangeError(`matmul: both arguments need at least 1 dimension, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  if (a.dtype !== b.dtype) throw new TypeError(`matmul: expected both inputs to have the same dtype, got ${a.dtype} and ${b.dtype}`);
  if (a.dtype === 'bool') throw new TypeError('matmul: not implemented for bool tensors');
  return traced('matmul', [a, b], {}, () => matmulChecked(a, b));
}

function matmulChecked(a: Tensor, b: Tensor): Tensor {
  const a2 = a.ndim === 1 ? unsqueeze(a, 0) : a;
  const b2 = b.ndim === 1 ? unsqueeze(b, 1) : b;
  const [m, k] = a2.shape.slice(-2);
  const [k2, n] = b2.shape.slice(-2);
  if (k !== k2) throw new RangeError(`matmul: cannot multiply ${fmt(a.shape)} by ${fmt(b.shape)} (inner sizes ${k} and ${k2} differ)`);
  const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2), 'matmul');
  const bsize = numel(batch);
  const a3 = reshape(expand(a2, [...batch, m, k]), [bsize, m, k]);
  const b3 = reshape(expand(b2, [...batch, k, n]), [bsize, k, n]);
  let out = reshape(bmm(a3, b3), [...batch, m, n]);
  if (a.ndim === 1) out = squeeze(out, -2);
  if (b.ndim === 1) out = squeeze(out, -1);
  return out;
}

/** torch.matmul: dot, matrix-vector, matrix-matrix and batched products with broadcast batch dims. */
export const matmul = define(signature('matmul', 'torch.', [['input', is.tensor], ['other', is.tensor]], []), ({ input, other }) => matmulOf(input, other));
