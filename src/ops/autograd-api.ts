import { define, is, signature } from '../core/args.js';
import { CpuStorage } from '../backends/backend.js';
import { readsSync } from '../backends/registry.js';
import { configureEngine, noGrad, runBackward } from '../core/autograd.js';
import { isFloating } from '../core/dtype.js';
import { fmt } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { bumpVersion } from '../core/version.js';
import { ones, randn } from './creation.js';
import { add, mul } from './elementwise.js';
import { sum } from './reduce.js';
import { clone, detach } from './views.js';

configureEngine({ add, detachClone: (t) => clone(detach(t)) });

export interface GradOptions {
  /** Gradients of the outputs (default: ones, for single-element outputs). */
  gradOutputs?: readonly Tensor[];
  retainGraph?: boolean;
  /** Record the backward pass so the returned gradients can be differentiated again. */
  createGraph?: boolean;
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

const TENSOR_OR_LIST = is.or(is.tensor, is.arrayOf(is.tensor));
const GRAD = signature('grad', 'torch.autograd.', [['outputs', TENSOR_OR_LIST], ['inputs', TENSOR_OR_LIST]], [
  ['gradOutputs', is.nullable(TENSOR_OR_LIST)], ['retainGraph', is.nullable(is.bool)], ['createGraph', is.bool],
  // PyTorch's only_inputs is deprecated (always true) and is_grads_batched is not supported here: refused rather than ignored
  ['onlyInputs', is.oneOf(true)], ['allowUnused', is.bool], ['isGradsBatched', is.oneOf(false)],
]);

/** Gradients of `outputs` with respect to `inputs`, without touching any `.grad` (torch.autograd.grad). */
export const grad = define(GRAD, ({ outputs, inputs, gradOutputs, retainGraph, ...rest }) =>
  gradOf(outputs, inputs, { ...rest, retainGraph: retainGraph ?? undefined, gradOutputs: gradOutputs instanceof Tensor ? [gradOutputs] : gradOutputs ?? undefined }));

function gradOf(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts: GradOptions): (Tensor | null)[] {
  const outs = outputs instanceof Tensor ? [outputs] : outputs;
  const ins = inputs instanceof Tensor ? [inputs] : inputs;
  const seeds = outs.map((o, i) => {
    const g = opts.gradOutputs?.[i];
    if (g) return g;
    if (o.numel() !== 1) throw new Error(`autograd.grad: grad can be implicitly created only for scalar outputs, output ${i} has shape ${fmt(o.shape)}`);
    return ones(o.shape, { dtype: o.dtype, device: o.device });
  });
  ins.forEach((t, i) => {
    if (!t.requiresGrad) throw new Error(`autograd.grad: input ${i} does not require grad`);
  });
  const result = runBackward(outs, seeds, { retainGraph: opts.retainGraph, createGraph: opts.createGraph, inputs: ins });
  result.forEach((g, i) => {
    if (g === null && !opts.allowUnused) throw new Error(`autograd.grad: input ${i} was not used in the graph; pass { allowUnused: true } to get null for it`);
  });
  return result;
}

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

/**
 * Compares the analytic gradient of `fn` with central finite differences. The output is projected on a
 * fixed random vector r, so one backward pass gives Jᵀr, checked against (L(x+e) - L(x-e)) / 2e for
 * L = sum(fn(x)·r). Inputs should be float64. Throws with the worst mismatch; returns true when all agree.
 */
export const gradcheck = define(
  signature('gradcheck', 'torch.autograd.', [['func', is.function], ['inputs', TENSOR_OR_LIST]], [], [['eps', is.number], ['atol', is.number], ['rtol', is.number]]),
  ({ func, inputs, ...opts }) => gradcheckOf(func as (...inputs: Tensor[]) => Tensor, inputs instanceof Tensor ? [inputs] : inputs, opts),
);

function gradcheckOf(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradcheckOptions): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = opts;
  const xs = inputs.map((x) => {
    if (!isFloating(x.dtype)) throw new TypeError(`gradcheck: inputs must be floating point, got ${x.dtype}`);
    return clone(detach(x)).requiresGrad_(true);
  });
  const out0 = fn(...xs);
  const r = randn(out0.shape, { dtype: out0.dtype, device: out0.device });
  const project = (o: Tensor): Tensor => sum(mul(o, r));
  const analytic = grad(project(out0), xs, { allowUnused: true });
  xs.forEach((x, k) => {
    // x is a fresh contiguous clone, so element i lives at data[i]; perturbing it in place avoids a copy per probe
    if (!(x.storage instanceof CpuStorage) || !readsSync(x.device)) throw new Error(`gradcheck: runs on CPU tensors (it reads values synchronously), got one on '${x.device}'`);
    const data = x.storage.data;
    const numeric = new Float64Array(x.numel());
    for (let i = 0; i < numeric.length; i++) {
      const orig = data[i];
      data[i] = orig + eps;
      bumpVersion(x.storage);
      const plus = noGrad(() => project(fn(...xs)).item());
      data[i] = orig - eps;
      bumpVersion(x.storage);
      const minus = noGrad(() => project(fn(...xs)).item());
      data[i] = orig;
      bumpVersion(x.storage);
      numeric[i] = (plus - minus) / (2 * eps);
    }
    const a = analytic[k] ? analytic[k]!.dataSync() : new Float64Array(numeric.length);
    for (let i = 0; i < numeric.length; i++) {
      if (!(Math.abs(a[i] - numeric[i]) <= atol + rtol * Math.abs(numeric[i]))) {
        throw new Error(`gradcheck: input ${k} ${fmt(x.shape)}, element ${i}: analytic ${a[i]} vs numerical ${numeric[i]}`);
      }
    }
  });
  return true;
}
