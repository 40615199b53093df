import { traced } from '../trace.js';
import { fmt } from '../../core/shape.js';
import { define, is, signature } from '../../core/args.js';
import type { Tensor } from '../../core/tensor.js';
import { add } from '../elementwise.js';
import { reshape } from '../views.js';
import { checkBias, checkGroups, checkWeight } from './conv.js';
import { dilatedSize, perDim, type IntOrTuple } from './padding-rules.js';
import { convBackwardInput } from './primitives.js';
import { geometry, liftInput, liftKernel, lower } from './spatial.js';

export interface ConvTransposeOptions {
  stride?: IntOrTuple;
  /** The zero padding of the convolution this one transposes: trims `padding` positions from both ends of the output. */
  padding?: IntOrTuple;
  /** Extra positions at the end of each output dim, to pick one of the sizes a strided convolution maps onto the same size. */
  outputPadding?: IntOrTuple;
  groups?: number;
  dilation?: IntOrTuple;
}

/**
 * The transposed convolution is the gradient of a convolution with respect to its input: the convolution
 * with this weight maps the output [N, Cout, ...] back to the input's size, so the forward pass is that
 * convolution's convBackwardInput. Output size: (n - 1)·s - 2p + d(k - 1) + outputPadding + 1.
 */
function convTransposeNd(op: string, nd: number, input: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvTransposeOptions): Tensor {
  const { x5, batched, spatial } = liftInput(op, input, nd);
  checkWeight(op, weight, nd, input, '[in, out/groups, ...kernel]');
  const groups = checkGroups(op, opts.groups ?? 1);
  const [inChannels, groupOut, ...kernel] = weight.shape;
  if (inChannels % groups !== 0) throw new RangeError(`${op}: in channels ${inChannels} (weight ${fmt(weight.shape)}) must be divisible by groups ${groups}`);
  if (x5.shape[1] !== inChannels) {
    throw new RangeError(`${op}: expected input with ${inChannels} channels (weight ${fmt(weight.shape)}, groups ${groups}), got ${fmt(input.shape)}`);
  }
  checkBias(op, bias, groupOut * groups, input);
  const stride = perDim(opts.stride ?? 1, nd, 'stride', op, 1);
  const dilation = perDim(opts.dilation ?? 1, nd, 'dilation', op, 1);
  const padding = perDim(opts.padding ?? 0, nd, 'padding', op, 0);
  const outputPadding = perDim(opts.outputPadding ?? 0, nd, 'outputPadding', op, 0);
  const outSize = spatial.map((n, i) => {
    if (outputPadding[i] >= stride[i] && outputPadding[i] >= dilation[i]) {
      throw new RangeError(`${op}: outputPadding ${outputPadding[i]} must be smaller than either stride ${stride[i]} or dilation ${dilation[i]} (spatial dim ${i})`);
    }
    const size = (n - 1) * stride[i] - 2 * padding[i] + dilatedSize(kernel[i], dilation[i]) + outputPadding[i];
    if (size < 1) throw new RangeError(`${op}: padding ${padding[i]} leaves an output size of ${size} in spatial dim ${i} (input ${fmt(input.shape)}, weight ${fmt(weight.shape)})`);
    return size;
  });
  // the geometry of the forward convolution whose input gradient this is: it maps outSize back onto spatial
  const geom = geometry(outSize, spatial, kernel, stride, dilation, padding, groups);
  return traced('convTranspose', [input, weight, bias ?? null], { stride, dilation, padding, outputPadding, groups }, () => {
    const y5 = convBackwardInput(x5, liftKernel(weight), geom);
    return lower(bias ? add(y5, reshape(bias, [1, bias.shape[0], 1, 1, 1])) : y5, nd, batched);
  });
}

/** torch.nn.functional.conv_transpose1d: input [N, Cin, W], weight [Cin, Cout/groups, k]. */
const convTranspose1dImpl = (input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor =>
  convTransposeNd('convTranspose1d', 1, input, weight, bias, opts);
/** torch.nn.functional.conv_transpose2d: input [N, Cin, H, W], weight [Cin, Cout/groups, kH, kW]. */
const convTranspose2dImpl = (input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor =>
  convTransposeNd('convTranspose2d', 2, input, weight, bias, opts);
/** torch.nn.functional.conv_transpose3d: input [N, Cin, D, H, W], weight [Cin, Cout/groups, kD, kH, kW]. */
const convTranspose3dImpl = (input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTransposeOptions = {}): Tensor =>
  convTransposeNd('convTranspose3d', 3, input, weight, bias, opts);

const CONV_TRANSPOSE1D_SIG = signature('convTranspose1d', 'torch.nn.functional.', [['input', is.tensor], ['weight', is.tensor]], [['bias', is.nullable(is.tensor)], ['stride', is.size], ['padding', is.size], ['outputPadding', is.size], ['groups', is.int], ['dilation', is.size]]);
export const convTranspose1d = define(CONV_TRANSPOSE1D_SIG, ({ input, weight, bias, ...o }) => convTranspose1dImpl(input, weight, bias, o));
const CONV_TRANSPOSE2D_SIG = signature('convTranspose2d', 'torch.nn.functional.', [['input', is.tensor], ['weight', is.tensor]], [['bias', is.nullable(is.tensor)], ['stride', is.size], ['padding', is.size], ['outputPadding', is.size], ['groups', is.int], ['dilation', is.size]]);
export const convTranspose2d = define(CONV_TRANSPOSE2D_SIG, ({ input, weight, bias, ...o }) => convTranspose2dImpl(input, weight, bias, o));
const CONV_TRANSPOSE3D_SIG = signature('convTranspose3d', 'torch.nn.functional.', [['input', is.tensor], ['weight', is.tensor]], [['bias', is.nullable(is.tensor)], ['stride', is.size], ['padding', is.size], ['outputPadding', is.size], ['groups', is.int], ['dilation', is.size]]);
export const convTranspose3d = define(CONV_TRANSPOSE3D_SIG, ({ input, weight, bias, ...o }) => convTranspose3dImpl(input, weight, bias, o));
