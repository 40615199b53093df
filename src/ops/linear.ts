/**
 * torch.nn.functional.linear as one kernel: the output starts as the bias and the product accumulates onto it
 * (as the convolutions do), instead of a product and a separate broadcast add that each allocate the output.
 */
import type { OptionalKernels } from '../backends/backend.js';
import { define, is, signature } from '../core/args.js';
import { record } from '../core/autograd.js';
import { isFloating } from '../core/dtype.js';
import { fmt, numel, shapesEqual } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { describe, kernels, wrap } from './dispatch.js';
import { activationBackward } from './activation-backward.js';
import { add } from './elementwise.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { traced } from './trace.js';
import { reshape, transpose } from './views.js';


/** x·Wᵀ + b over the last dim of x. */
function linearImpl(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (!(weight instanceof Tensor) || weight.ndim !== 2) throw new RangeError(`linear: expected a 2-D weight [out, in], got ${describe(weight)}`);
  if (!(x instanceof Tensor) || x.ndim === 0 || x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new RangeError(`linear: expected input with ${weight.shape[1]} features in its last dim (weight ${fmt(weight.shape)}), got ${x instanceof Tensor ? fmt(x.shape) : describe(x)}`);
  }
  return traced('linear', [x, weight, bias ?? null], {}, () => linearChecked(x, weight, bias));
}

function linearChecked(x: Tensor, weight: Tensor, bias: Tensor | null | undefined): Tensor {
  const fused = kernels('linear', ...(bias ? [x, weight, bias] : [x, weight])).linear;
  if (!fused || !fusable(x, weight, bias)) {
    // other dtypes, broadcastable (not [out]) biases and backends without the fused kernel: product and add
    const y = matmul(x, transpose(weight, 0, 1));
    return bias ? add(y, bias) : y;
  }
  const [n, k] = weight.shape;
  const x2 = reshape(x, [numel(x.shape.slice(0, -1)), k]);
  const out = affine(fused, x2, weight, bias ?? null);
  return x.ndim === 2 ? out : reshape(out, [...x.shape.slice(0, -1), n]);
}

function fusable(x: Tensor, weight: Tensor, bias: Tensor | null | undefined): boolean {
  if (!isFloating(x.dtype) || weight.dtype !== x.dtype) return false;
  return !bias || (bias.dtype === x.dtype && shapesEqual(bias.shape, [weight.shape[0]]));
}

/** The recorded primitive on 2-D x; its gradient is two products and one column sum (PyTorch's AddmmBackward0). */
function affine(fused: OptionalKernels['linear'], x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const out = wrap(fused(x, weight, bias, x.dtype), [x.shape[0], weight.shape[0]], x.dtype);
  return record('AddmmBackward0', out, inputs, (g) => [
    x.requiresGrad ? matmul(g, weight) : null,
    weight.requiresGrad ? matmul(transpose(g, 0, 1), x) : null,
    bias?.requiresGrad ? sum(g, 0) : null,
  ]);
}

/**
 * relu(x·Wᵀ + b) with the ReLU in the backend's epilogue, for ck.fuse on backends with `linearActivation` (not
 * traced: exporters see the modules in turn). The gradient is ReLU's rule on the output, then AddmmBackward0's.
 */
export function linearRelu(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  if (!(weight instanceof Tensor) || weight.ndim !== 2 || !(x instanceof Tensor) || x.ndim !== 2 || x.shape[1] !== weight.shape[1]) {
    throw new RangeError(`linearRelu: expected x [N, ${weight?.shape?.[1]}] and a 2-D weight, got ${describe(x)} and ${describe(weight)}`);
  }
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const fused = kernels('linear', ...inputs).linearActivation;
  if (!fused || !fusable(x, weight, bias)) throw new Error(`linear: the '${x.device}' backend has no fused linear + ReLU kernel for ${x.dtype} (run linear, then relu)`);
  const out = wrap(fused(x, weight, bias, x.dtype, 'relu'), [x.shape[0], weight.shape[0]], x.dtype);
  return record('AddmmReluBackward', out, inputs, (g) => {
    const gy = activationBackward('threshold', g, out);
    return [
      x.requiresGrad ? matmul(gy, weight) : null,
      weight.requiresGrad ? matmul(transpose(gy, 0, 1), x) : null,
      bias?.requiresGrad ? sum(gy, 0) : null,
    ];
  });
}

const LINEAR_SIG = signature('linear', 'torch.nn.functional.', [['input', is.tensor], ['weight', is.tensor]], [['bias', is.nullable(is.tensor)]]);
export const linear = define(LINEAR_SIG, ({ input, weight, bias }) => linearImpl(input, weight, bias));
