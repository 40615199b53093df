/** torch.nn.utils: gradient clipping and flattening parameters into one vector. */
import { check, define, is, signature } from '../core/args.js';
import { noGrad } from '../core/autograd.js';
import { fmt } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { abs, add, amax, cat, clamp, copy_, div, flatten, mul, narrow, pow, reshape, sqrt, stack, sum, tensor } from '../ops/index.js';
import { checkTensor } from './check.js';

type Params = Tensor | Iterable<Tensor>;

function paramList(params: Params, op: string): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  list.forEach((p, i) => checkTensor(p, op, `parameter ${i}`));
  return list;
}

/** A tensor, or any iterable of them (model.parameters(), a generator): what PyTorch's utils accept. */
const PARAMS = check<Params>('a Tensor or an iterable of Tensors', (v) => v instanceof Tensor || (typeof v === 'object' && v !== null && Symbol.iterator in v));

export interface ClipGradNormOptions {
  /** The p of the p-norm; Infinity for the largest absolute value. Default 2. */
  normType?: number;
  /** Throw when the total norm is NaN or infinite instead of scaling by it. Default false. */
  errorIfNonfinite?: boolean;
}

/**
 * Scales all gradients together so that their joint norm is at most maxNorm (Pascanu et al. 2013), in
 * place, and returns the norm before clipping. As PyTorch, the factor is maxNorm/(norm + 1e-6), capped at 1.
 */
function clipGradNorm_Impl(params: Params, maxNorm: number, { normType = 2, errorIfNonfinite = false }: ClipGradNormOptions = {}): Tensor {
  const grads = paramList(params, 'clipGradNorm_').map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (!(normType > 0)) throw new RangeError(`clipGradNorm_: normType must be positive, got ${normType}`);
  if (grads.length === 0) return tensor(0, { device: paramList(params, 'clipGradNorm_')[0]?.device });
  return noGrad(() => {
    const norms = grads.map((g) => (normType === Infinity ? amax(abs(g)) : pNorm(g, normType)));
    const total = normType === Infinity ? amax(stack(norms)) : pNorm(stack(norms), normType);
    // the one read, only when asked for (PyTorch synchronises there too); the clipping itself stays on the device
    const value = errorIfNonfinite ? total.item() : 0;
    if (!Number.isFinite(value)) {
      throw new Error(`clipGradNorm_: the total norm of order ${normType} for gradients is non-finite (${value}), so it cannot be clipped`);
    }
    const coef = clamp(div(maxNorm, add(total, 1e-6)), null, 1);
    for (const g of grads) copy_(g, mul(g, coef));
    return total;
  });
}

function pNorm(t: Tensor, p: number): Tensor {
  return p === 2 ? sqrt(sum(mul(t, t))) : pow(sum(pow(abs(t), p)), 1 / p);
}

/** Clamps every gradient element to [-clipValue, clipValue], in place. */
function clipGradValue_Impl(params: Params, clipValue: number): void {
  if (!(clipValue >= 0)) throw new RangeError(`clipGradValue_: clipValue must be non-negative, got ${clipValue}`);
  noGrad(() => {
    for (const p of paramList(params, 'clipGradValue_')) if (p.grad) copy_(p.grad, clamp(p.grad, -clipValue, clipValue));
  });
}

/** All parameters flattened and joined into one vector. */
function parametersToVectorImpl(params: Iterable<Tensor>): Tensor {
  const list = paramList(params, 'parametersToVector');
  if (list.length === 0) throw new RangeError('parametersToVector: expected at least one parameter');
  return cat(list.map((p) => flatten(p)));
}

/** Copies consecutive slices of `vec` into the parameters (the inverse of parametersToVector), in place. */
function vectorToParametersImpl(vec: Tensor, params: Iterable<Tensor>): void {
  checkTensor(vec, 'vectorToParameters', 'vec');
  if (vec.ndim !== 1) throw new RangeError(`vectorToParameters: expected a 1-D vector, got ${fmt(vec.shape)}`);
  const list = paramList(params, 'vectorToParameters');
  const total = list.reduce((n, p) => n + p.numel(), 0);
  if (total !== vec.shape[0]) throw new RangeError(`vectorToParameters: the parameters have ${total} elements, the vector ${vec.shape[0]}`);
  noGrad(() => {
    let offset = 0;
    for (const p of list) {
      copy_(p, reshape(narrow(vec, 0, offset, p.numel()), p.shape));
      offset += p.numel();
    }
  });
}

const CLIP_GRAD_NORM__SIG = signature('clipGradNorm_', 'torch.nn.utils.', [['parameters', PARAMS], ['maxNorm', is.number]], [['normType', is.number], ['errorIfNonfinite', is.bool]]);
export const clipGradNorm_ = define(CLIP_GRAD_NORM__SIG, ({ parameters, maxNorm, ...o }) => clipGradNorm_Impl(parameters, maxNorm, o));
const CLIP_GRAD_VALUE__SIG = signature('clipGradValue_', 'torch.nn.utils.', [['parameters', PARAMS], ['clipValue', is.number]], []);
export const clipGradValue_ = define(CLIP_GRAD_VALUE__SIG, ({ parameters, clipValue }) => clipGradValue_Impl(parameters, clipValue));
const PARAMETERS_TO_VECTOR_SIG = signature('parametersToVector', 'torch.nn.utils.', [['parameters', PARAMS]], []);
export const parametersToVector = define(PARAMETERS_TO_VECTOR_SIG, ({ parameters }) => parametersToVectorImpl(parameters as Iterable<Tensor>));
const VECTOR_TO_PARAMETERS_SIG = signature('vectorToParameters', 'torch.nn.utils.', [['vec', is.tensor], ['parameters', PARAMS]], []);
export const vectorToParameters = define(VECTOR_TO_PARAMETERS_SIG, ({ vec, parameters }) => vectorToParametersImpl(vec, parameters as Iterable<Tensor>));
