import { traced } from '../trace.js';
import { fmt } from '../../core/shape.js';
import { define, is, signature } from '../../core/args.js';
import type { Tensor } from '../../core/tensor.js';
import { add, div, mul, pow } from '../elementwise.js';
import { reshape, squeeze, unsqueeze } from '../views.js';
import { pad } from './pad.js';
import { avgPool2d, avgPool3d } from './pooling.js';
import { checkFloating } from './spatial.js';

export interface LocalResponseNormOptions {
  alpha?: number;
  beta?: number;
  k?: number;
}

/**
 * torch.nn.functional.local_response_norm (AlexNet): each value is divided by
 *   (k + alpha/size · Σ x²)^beta
 * where the sum runs over `size` neighbouring channels (size/2 before, (size-1)/2 after, zeros past the ends).
 * Written as PyTorch writes it: an average pooling of x² along the channel dim.
 */
function localResponseNormImpl(input: Tensor, size: number, opts: LocalResponseNormOptions = {}): Tensor {
  const { alpha = 1e-4, beta = 0.75, k = 1 } = opts;
  checkFloating('localResponseNorm', 'input', input);
  if (input.ndim < 3) throw new RangeError(`localResponseNorm: expected an input of 3 or more dims [N, C, ...], got ${fmt(input.shape)}`);
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`localResponseNorm: size must be a positive integer, got ${size}`);
  return traced('lrn', [input], { size, alpha, beta, k }, () => lrnChecked(input, size, alpha, beta, k));
}

function lrnChecked(input: Tensor, size: number, alpha: number, beta: number, k: number): Tensor {
  const before = Math.floor(size / 2);
  const after = Math.floor((size - 1) / 2);
  const squares = unsqueeze(mul(input, input), 1);
  let mean: Tensor;
  if (input.ndim === 3) {
    mean = squeeze(avgPool2d(pad(squares, [0, 0, before, after]), [size, 1], { stride: 1 }), 1);
  } else {
    const [n, c] = input.shape;
    const volume = pad(reshape(squares, [n, 1, c, input.shape[2], -1]), [0, 0, 0, 0, before, after]);
    mean = reshape(squeeze(avgPool3d(volume, [size, 1, 1], { stride: 1 }), 1), input.shape);
  }
  return div(input, pow(add(mul(mean, alpha), k), beta));
}

const LOCAL_RESPONSE_NORM_SIG = signature('localResponseNorm', 'torch.nn.functional.', [['input', is.tensor], ['size', is.int]], [['alpha', is.number], ['beta', is.number], ['k', is.number]]);
export const localResponseNorm = define(LOCAL_RESPONSE_NORM_SIG, ({ input, size, ...o }) => localResponseNormImpl(input, size, o));
