/**
 * Dropout (Srivastava et al. 2014), "inverted" as in PyTorch: kept elements are scaled by 1/(1-p) during
 * training, so evaluation is the identity. Masks come from convkit's seedable generator; they cannot
 * match PyTorch's random stream, only its distribution.
 */
import { define, is, signature } from '../core/args.js';
import type { Generator } from '../core/random.js';
import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { div, lt, mul, rand, to } from '../ops/index.js';
import { checkProbability, checkTensor } from './check.js';

export interface DropoutOptions {
  /** Probability of an element (or channel) to be zeroed. Default 0.5. */
  p?: number;
  /** Dropout is applied only when true. Default true (as F.dropout; modules pass their training flag). */
  training?: boolean;
  generator?: Generator;
}

/** Multiplies by a Bernoulli(1-p) mask of `maskShape` (broadcast over x), scaled by 1/(1-p). */
function dropMask(x: Tensor, maskShape: readonly number[], p: number, generator?: Generator): Tensor {
  if (p === 1) return mul(x, 0);
  const keep = to(lt(rand(maskShape, { dtype: x.dtype, generator, device: x.device }), 1 - p), x.dtype);
  return mul(x, div(keep, 1 - p));
}

/** Zeroes each element with probability p and scales the rest by 1/(1-p). */
function dropoutImpl(x: Tensor, { p = 0.5, training = true, generator }: DropoutOptions = {}): Tensor {
  checkTensor(x, 'dropout');
  checkProbability(p, 'dropout');
  if (!training || p === 0) return x;
  return dropMask(x, x.shape, p, generator);
}

/** Zeroes whole channels: one mask value per (sample, channel) of an input [N, C, ...]. */
function featureDropout(x: Tensor, op: string, p: number, training: boolean, generator?: Generator): Tensor {
  checkProbability(p, op);
  if (!training || p === 0) return x;
  return dropMask(x, [x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)], p, generator);
}

/** Channel dropout for [N, C, L] (or unbatched [C, L]) inputs. */
function dropout1dImpl(x: Tensor, { p = 0.5, training = true, generator }: DropoutOptions = {}): Tensor {
  checkTensor(x, 'dropout1d');
  if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`dropout1d: expected a 2-D or 3-D input (unbatched [C,L] or [N,C,L]), got ${fmt(x.shape)}`);
  if (x.ndim === 2) return featureDropout(x.unsqueeze(0), 'dropout1d', p, training, generator).squeeze(0);
  return featureDropout(x, 'dropout1d', p, training, generator);
}

/**
 * Channel dropout for [N, C, H, W] inputs. A 3-D input is read as [N, C, L], which is what PyTorch 1.13
 * does (with a deprecation warning), not as an unbatched [C, H, W].
 */
function dropout2dImpl(x: Tensor, { p = 0.5, training = true, generator }: DropoutOptions = {}): Tensor {
  checkTensor(x, 'dropout2d');
  if (x.ndim !== 3 && x.ndim !== 4) throw new RangeError(`dropout2d: expected a 3-D or 4-D input ([N,C,L] or [N,C,H,W]), got ${fmt(x.shape)}`);
  return featureDropout(x, 'dropout2d', p, training, generator);
}

/** Channel dropout for [N, C, D, H, W] (or unbatched [C, D, H, W]) inputs. */
function dropout3dImpl(x: Tensor, { p = 0.5, training = true, generator }: DropoutOptions = {}): Tensor {
  checkTensor(x, 'dropout3d');
  if (x.ndim !== 4 && x.ndim !== 5) throw new RangeError(`dropout3d: expected a 4-D or 5-D input (unbatched [C,D,H,W] or [N,C,D,H,W]), got ${fmt(x.shape)}`);
  if (x.ndim === 4) return featureDropout(x.unsqueeze(0), 'dropout3d', p, training, generator).squeeze(0);
  return featureDropout(x, 'dropout3d', p, training, generator);
}

const DROPOUT_SIG = signature('dropout', 'torch.nn.functional.', [['input', is.tensor]], [['p', is.number], ['training', is.bool], ['inplace', is.bool]], [['generator', is.generator]]);
export const dropout = define(DROPOUT_SIG, ({ input, ...o }) => dropoutImpl(input, o));
const DROPOUT1D_SIG = signature('dropout1d', 'torch.nn.functional.', [['input', is.tensor]], [['p', is.number], ['training', is.bool], ['inplace', is.bool]], [['generator', is.generator]]);
export const dropout1d = define(DROPOUT1D_SIG, ({ input, ...o }) => dropout1dImpl(input, o));
const DROPOUT2D_SIG = signature('dropout2d', 'torch.nn.functional.', [['input', is.tensor]], [['p', is.number], ['training', is.bool], ['inplace', is.bool]], [['generator', is.generator]]);
export const dropout2d = define(DROPOUT2D_SIG, ({ input, ...o }) => dropout2dImpl(input, o));
const DROPOUT3D_SIG = signature('dropout3d', 'torch.nn.functional.', [['input', is.tensor]], [['p', is.number], ['training', is.bool], ['inplace', is.bool]], [['generator', is.generator]]);
export const dropout3d = define(DROPOUT3D_SIG, ({ input, ...o }) => dropout3dImpl(input, o));
