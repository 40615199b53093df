/** Vector norms (torch.norm) and F.normalize. */
import { noGrad, record } from '../core/autograd.js';
import { define, is, signature } from '../core/args.js';
import { isFloating } from '../core/dtype.js';
import { normDims } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { describe } from './dispatch.js';
import { abs, clamp, div, eq, mul, ne, pow, sign, where } from './elementwise.js';
import { zerosLike } from './creation.js';
import { amax, amin, sum } from './reduce.js';
import { expand, reshape, to } from './views.js';

const NORM = signature('norm', 'torch.', [['input', is.tensor]], [
  ['p', is.or(is.number, is.oneOf('fro'))], ['dim', is.nullable(is.dims)], ['keepdim', is.bool],
]);

/**
 * torch.norm: the p-norm over dims (all by default); 'fro' and 2 are the Euclidean norm, Infinity the largest
 * magnitude, 0 the count of non-zeros. The gradient is PyTorch's: sign(x)·|x|^(p-1) / norm^(p-1), zero where
 * the norm is zero (instead of the NaN a naive sqrt would give).
 */
export const norm = define(NORM, ({ input, p = 'fro', dim = null, keepdim = false }): Tensor => {
  if (!isFloating(input.dtype)) throw new TypeError(`norm: expected a floating point input, got ${describe(input)}`);
  const dims = normDims(dim ?? undefined, input.ndim, 'norm');
  const order = p === 'fro' ? 2 : p;
  if (order === Infinity) return amax(abs(input), dims, keepdim);
  if (order === -Infinity) return amin(abs(input), dims, keepdim);
  // the count of non-zeros: differentiable with a zero gradient, as in PyTorch
  if (order === 0) return record('NormBackward1', to(sum(ne(input, 0), dims, keepdim), input.dtype), [input], () => [zerosLike(input)]);
  const out = noGrad(() => pow(sum(pow(abs(input), order), dims, keepdim), 1 / order));
  return record('NormBackward1', out, [input], (g) => {
    const kept = input.shape.map((s, i) => (dims.includes(i) ? 1 : s));
    const n = expand(reshape(out, kept), input.shape);
    const local = div(mul(sign(input), pow(abs(input), order - 1)), pow(n, order - 1));
    return [where(eq(n, 0), 0, mul(expand(reshape(g, kept), input.shape), local))];
  });
});

const NORMALIZE = signature('normalize', 'torch.nn.functional.', [['input', is.tensor]], [['p', is.number], ['dim', is.int], ['eps', is.number]]);

/** F.normalize: input / max(‖input‖_p over dim, eps), so each slice along dim has unit norm. */
export const normalize = define(NORMALIZE, ({ input, p = 2, dim = 1, eps = 1e-12 }): Tensor => {
  const denom = clamp(norm(input, p, dim, true), eps);
  return div(input, expand(denom, input.shape));
});
