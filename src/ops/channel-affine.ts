/**
 * The per-channel scale and shift that ends BatchNorm, with what ResNet's blocks do right after it (add the
 * shortcut, ReLU) fused in: one pass over the activations instead of up to four.
 */
import { define, is, signature } from '../core/args.js';
import { record } from '../core/autograd.js';
import { isFloating } from '../core/dtype.js';
import { fmt, shapesEqual } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { describe, kernels, wrap } from './dispatch.js';
import { activationBackward } from './activation-backward.js';
import { add, mul, relu as reluOp } from './elementwise.js';
import { sum } from './reduce.js';
import { reshape } from './views.js';


export interface ChannelAffineOptions {
  /** Added after the shift (ResNet's shortcut); the shape of x. */
  residual?: Tensor | null;
  /** max(·, 0) last. */
  relu?: boolean;
}

function check(x: Tensor, t: Tensor | null, name: string, shape: readonly number[]): void {
  if (t === null) return;
  if (!(t instanceof Tensor)) throw new TypeError(`channelAffine: expected ${name} to be a Tensor, got ${describe(t)}`);
  if (!shapesEqual(t.shape, shape)) throw new RangeError(`channelAffine: expected ${name} of shape ${fmt(shape)} for input ${fmt(x.shape)}, got ${fmt(t.shape)}`);
  if (t.dtype !== x.dtype) throw new TypeError(`channelAffine: expected ${name} of dtype ${x.dtype} like the input, got ${t.dtype}`);
}

/**
 * relu?(x·scale[c] + shift[c] + residual) for x [N, C, ...], scale and shift [C] (shift may be null). The output
 * equals mul, add, add and relu run one after another, bit for bit; the gradient is written with those ops.
 */
function channelAffineOf(x: Tensor, scale: Tensor, shift: Tensor | null, { residual = null, relu = false }: ChannelAffineOptions): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`channelAffine: expected a Tensor, got ${describe(x)}`);
  if (x.ndim < 2 || !isFloating(x.dtype)) throw new RangeError(`channelAffine: expected a floating input [N, C, ...], got ${fmt(x.shape)} ${x.dtype}`);
  const channels = x.shape[1];
  check(x, scale, 'scale', [channels]);
  check(x, shift, 'shift', [channels]);
  check(x, residual, 'residual', x.shape);
  const inputs = [x, scale, shift, residual].filter((t): t is Tensor => t !== null);
  const fused = kernels('channelAffine', ...inputs).channelAffine;
  if (!fused) return composed(x, scale, shift, residual, relu);
  const out = wrap(fused(x, scale, shift, residual, relu), x.shape, x.dtype);
  return record('ChannelAffineBackward', out, inputs, (g) => {
    // relu's gradient as F.relu computes it (threshold_backward), then the gradients of add, add and mul
    const gy = relu ? activationBackward('threshold', g, out) : g;
    const others = x.shape.map((_, d) => d).filter((d) => d !== 1);
    const perChannel = (t: Tensor): Tensor => reshape(t, [1, channels, ...x.shape.slice(2).map(() => 1)]);
    const grads = [
      x.requiresGrad ? mul(gy, perChannel(scale)) : null,
      scale.requiresGrad ? reshape(sum(mul(gy, x), others), [channels]) : null,
      shift === null ? undefined : shift.requiresGrad ? reshape(sum(gy, others), [channels]) : null,
      residual === null ? undefined : gy,
    ];
    return grads.filter((t) => t !== undefined);
  });
}

/** The default for backends without the fused kernel: the separate ops, whose gradients autograd records. */
function composed(x: Tensor, scale: Tensor, shift: Tensor | null, residual: Tensor | null, relu: boolean): Tensor {
  const perChannel = (t: Tensor): Tensor => reshape(t, [1, x.shape[1], ...x.shape.slice(2).map(() => 1)]);
  let y = mul(x, perChannel(scale));
  if (shift) y = add(y, perChannel(shift));
  if (residual) y = add(y, residual);
  return relu ? reluOp(y) : y;
}

/** convkit's fused BatchNorm epilogue (not a torch callable): `channelAffine(x, scale, shift, { residual, relu })`. */
export const channelAffine = define(
  signature('channelAffine', null, [['input', is.tensor], ['scale', is.tensor], ['shift', is.nullable(is.tensor)]], [], [['residual', is.nullable(is.tensor)], ['relu', is.bool]]),
  ({ input, scale, shift, ...opts }) => channelAffineOf(input, scale, shift, opts),
);
