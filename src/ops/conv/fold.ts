import { fmt } from '../../core/shape.js';
import { define, is, signature } from '../../core/args.js';
import type { Tensor } from '../../core/tensor.js';
import { reshape, squeeze, unsqueeze } from '../views.js';
import { convOutputSize, perDim, type IntOrTuple } from './padding-rules.js';
import { col2im5d, im2col5d } from './primitives.js';
import { checkFloating, geometry, liftInput } from './spatial.js';

export interface FoldOptions {
  dilation?: IntOrTuple;
  padding?: IntOrTuple;
  stride?: IntOrTuple;
}

interface Blocks {
  kernel: number[];
  dilation: number[];
  padding: number[];
  stride: number[];
  /** The number of sliding blocks along H and W. */
  blocks: number[];
}

function slidingBlocks(op: string, size: readonly number[], kernelSize: IntOrTuple, opts: FoldOptions): Blocks {
  const kernel = perDim(kernelSize, 2, 'kernelSize', op, 1);
  const dilation = perDim(opts.dilation ?? 1, 2, 'dilation', op, 1);
  const padding = perDim(opts.padding ?? 0, 2, 'padding', op, 0);
  const stride = perDim(opts.stride ?? 1, 2, 'stride', op, 1);
  const blocks = size.map((n, i) => convOutputSize(n, kernel[i], stride[i], dilation[i], padding[i], padding[i]));
  if (blocks.some((b) => b < 1)) {
    throw new RangeError(`${op}: spatial size ${fmt(size)} with kernelSize ${fmt(kernel)}, dilation ${fmt(dilation)}, padding ${fmt(padding)}, stride ${fmt(stride)} gives ${fmt(blocks)} sliding blocks; each must be at least 1`);
  }
  return { kernel, dilation, padding, stride, blocks };
}

/**
 * torch.nn.functional.unfold (im2col): every kernelSize patch of [N, C, H, W] (or [C, H, W]) as a column of
 * [N, C·kH·kW, L], rows ordered (c, kh, kw), columns the L sliding positions in row-major order.
 */
function unfoldImpl(input: Tensor, kernelSize: IntOrTuple, opts: FoldOptions = {}): Tensor {
  const { x5, batched, spatial } = liftInput('unfold', input, 2);
  const b = slidingBlocks('unfold', spatial, kernelSize, opts);
  const cols = im2col5d(x5, geometry(spatial, b.blocks, b.kernel, b.stride, b.dilation, b.padding, 1));
  return batched ? cols : squeeze(cols, 0);
}

/**
 * torch.nn.functional.fold (col2im): sums the columns [N, C·kH·kW, L] (or [C·kH·kW, L]) back into an image
 * [N, C, ...outputSize]; overlapping patches add up. fold(unfold(x)) multiplies each pixel by its patch count.
 */
function foldImpl(input: Tensor, outputSize: IntOrTuple, kernelSize: IntOrTuple, opts: FoldOptions = {}): Tensor {
  checkFloating('fold', 'input', input);
  if (input.ndim !== 2 && input.ndim !== 3) throw new RangeError(`fold: expected a 2-D (unbatched) or 3-D (batched) input [N, C·kH·kW, L], got ${fmt(input.shape)}`);
  const size = perDim(outputSize, 2, 'outputSize', 'fold', 1);
  const b = slidingBlocks('fold', size, kernelSize, opts);
  const cols = input.ndim === 3 ? input : unsqueeze(input, 0);
  const [, rows, L] = cols.shape;
  const patch = b.kernel[0] * b.kernel[1];
  if (rows % patch !== 0) throw new RangeError(`fold: expected dim ${input.ndim - 2} of input ${fmt(input.shape)} to be divisible by the kernel's ${patch} positions (kernelSize ${fmt(b.kernel)})`);
  if (L !== b.blocks[0] * b.blocks[1]) {
    throw new RangeError(`fold: expected input ${fmt(input.shape)} to have ${b.blocks[0] * b.blocks[1]} columns (${fmt(b.blocks)} sliding blocks for outputSize ${fmt(size)}), got ${L}`);
  }
  const image = col2im5d(cols, rows / patch, geometry(size, b.blocks, b.kernel, b.stride, b.dilation, b.padding, 1));
  const out = reshape(image, [cols.shape[0], rows / patch, ...size]);
  return input.ndim === 3 ? out : squeeze(out, 0);
}

const UNFOLD_SIG = signature('unfold', 'torch.nn.functional.', [['input', is.tensor], ['kernelSize', is.size]], [['dilation', is.size], ['padding', is.size], ['stride', is.size]]);
export const unfold = define(UNFOLD_SIG, ({ input, kernelSize, ...o }) => unfoldImpl(input, kernelSize, o));
const FOLD_SIG = signature('fold', 'torch.nn.functional.', [['input', is.tensor], ['outputSize', is.size], ['kernelSize', is.size]], [['dilation', is.size], ['padding', is.size], ['stride', is.size]]);
export const fold = define(FOLD_SIG, ({ input, outputSize, kernelSize, ...o }) => foldImpl(input, outputSize, kernelSize, o));
