import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { add, div } from '../ops/elementwise.js';
import { pad } from '../ops/conv/pad.js';
import { perDim } from '../ops/conv/padding-rules.js';
import { checkFloating } from '../ops/conv/spatial.js';

export interface FoldAvgPoolOptions {
  /** The stride of the convolution before the pooling. */
  stride?: number | readonly number[];
}

/**
 * The weights of one convolution equal to a convolution (stride s) followed by p×p average pooling with
 * stride p: the average of the p² copies of the kernel shifted by multiples of s, a kernel of
 * k + (p - 1)·s taps per dim. The folded convolution uses stride s·p, the same padding and the same bias.
 * Written with ops, so it is differentiable in the weight.
 */
export function foldAvgPoolIntoConv(weight: Tensor, poolSize: number | readonly number[], opts: FoldAvgPoolOptions = {}): Tensor {
  checkFloating('foldAvgPoolIntoConv', 'weight', weight);
  if (weight.ndim !== 4) throw new RangeError(`foldAvgPoolIntoConv: expected a conv2d weight [out, in, kH, kW], got ${fmt(weight.shape)}`);
  const [ph, pw] = perDim(poolSize, 2, 'poolSize', 'foldAvgPoolIntoConv', 1);
  const [sh, sw] = perDim(opts.stride ?? 1, 2, 'stride', 'foldAvgPoolIntoConv', 1);
  let sum: Tensor | null = null;
  for (let i = 0; i < ph; i++) {
    for (let j = 0; j < pw; j++) {
      const shifted = pad(weight, [j * sw, (pw - 1 - j) * sw, i * sh, (ph - 1 - i) * sh]);
      sum = sum ? add(sum, shifted) : shifted;
    }
  }
  return div(sum as Tensor, ph * pw);
}
