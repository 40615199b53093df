/** Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), PyTorch 1.13's update equations. */
import type { Tensor } from '../core/tensor.js';
import { add, copy_, div, maximum, mul, sqrt, zerosLike } from '../ops/index.js';
import { fusedOptimizerStep } from '../ops/optimizer-step.js';
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../core/args.js';
import { DEFAULT_ONLY, PARAMS, checkNonNegative, checkOption, Optimizer, type OptimizerOptions, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';
import { adaptiveStep_, addScaled, effectiveGradient } from './update.js';

export interface AdamOptions extends OptimizerOptions {
  /** Decay rates of the first and second moment estimates. */
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** Use the maximum of past second moments (Reddi et al. 2018). */
  amsgrad: boolean;
  maximize: boolean;
}

type AdamInit = Partial<AdamOptions>;

const ADAM = signature('Adam', 'torch.optim.', [['params', PARAMS]], [
  ['lr', is.number], ['betas', is.numbers], ['eps', is.number], ['weightDecay', is.number], ['amsgrad', is.bool],
], [['maximize', is.bool], ['foreach', DEFAULT_ONLY], ['capturable', DEFAULT_ONLY], ['differentiable', DEFAULT_ONLY], ['fused', DEFAULT_ONLY]]);
// torch 1.13's AdamW has no differentiable or fused switch
const ADAMW = signature('AdamW', 'torch.optim.', [['params', PARAMS]], ADAM.optional, [['maximize', is.bool], ['foreach', DEFAULT_ONLY], ['capturable', DEFAULT_ONLY]]);

/** The options a caller gave, without PyTorch's implementation switches. */
function adamOptions(sig: typeof ADAM, args: unknown[]): [Params, AdamInit] {
  const { params, foreach, capturable, differentiable, fused, ...opts } = parseArgs(sig, args);
  return [params as Params, opts as AdamInit];
}
type Params = Iterable<Tensor> | Iterable<ParamGroupInput<AdamOptions>>;

function validateAdam(o: AdamOptions, op: string): void {
  checkNonNegative(o, op, ['lr', 'eps']);
  checkOption(Array.isArray(o.betas) && o.betas.length === 2, op, 'betas', o.betas);
  checkOption(o.betas[0] >= 0 && o.betas[0] < 1, op, 'beta parameter at index 0', o.betas[0]);
  checkOption(o.betas[1] >= 0 && o.betas[1] < 1, op, 'beta parameter at index 1', o.betas[1]);
  checkNonNegative(o, op, ['weightDecay']);
}

/**
 * The moment updates and bias-corrected step shared by Adam and AdamW:
 * m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²;  p = p - lr/(1-β1ᵗ) · m / (√v/√(1-β2ᵗ) + eps).
 */
function initAdam(p: Tensor, g: ParamGroup<AdamOptions>, state: ParamState): void {
  if (state.step !== undefined) return;
  state.step = 0;
  state.expAvg = zerosLike(p);
  state.expAvgSq = zerosLike(p);
  if (g.amsgrad) state.maxExpAvgSq = zerosLike(p);
}

/** The backend's one-kernel update (decay: AdamW's factor, or null for Adam), where it has one. */
function fusedAdam(p: Tensor, grad: Tensor, g: ParamGroup<AdamOptions>, state: ParamState, decay: number | null): boolean {
  initAdam(p, g, state);
  const step = (state.step as number) + 1;
  const [beta1, beta2] = g.betas;
  const moments = [state.expAvg, state.expAvgSq, ...(g.amsgrad ? [state.maxExpAvgSq] : [])] as Tensor[];
  const update = {
    kind: 'adam' as const, lr: g.lr, beta1, beta2, eps: g.eps, weightDecay: decay === null ? g.weightDecay : 0, decay, amsgrad: g.amsgrad,
    maximize: g.maximize, stepSize: g.lr / (1 - beta1 ** step), bias2Sqrt: Math.sqrt(1 - beta2 ** step),
  };
  if (!fusedOptimizerStep(update, p, grad, moments)) return false;
  state.step = step;
  return true;
}

function adamStep(p: Tensor, grad: Tensor, g: ParamGroup<AdamOptions>, state: ParamState): void {
  const [beta1, beta2] = g.betas;
  initAdam(p, g, state);
  const step = (state.step as number) + 1;
  state.step = step;
  const expAvg = addScaled(mul(state.expAvg as Tensor, beta1), grad, 1 - beta1);
  const expAvgSq = add(mul(state.expAvgSq as Tensor, beta2), mul(mul(grad, 1 - beta2), grad));
  state.expAvg = expAvg;
  state.expAvgSq = expAvgSq;
  const stepSize = g.lr / (1 - beta1 ** step);
  const bias2Sqrt = Math.sqrt(1 - beta2 ** step);
  let second = expAvgSq;
  if (g.amsgrad) {
    second = maximum(state.maxExpAvgSq as Tensor, expAvgSq);
    state.maxExpAvgSq = second;
  }
  const denom = add(div(sqrt(second), bias2Sqrt), g.eps);
  adaptiveStep_(p, expAvg, stepSize, denom);
}

/** Adam: weight decay is an L2 penalty added to the gradient. */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params, opts?: AdamInit);
  constructor(...args: ArgsOf<typeof ADAM>);
  constructor(...args: unknown[]) {
    const [params, opts] = adamOptions(ADAM, args);
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...opts });
  }

  protected validate(o: AdamOptions): void {
    validateAdam(o, 'Adam');
  }

  protected updateParameter(p: Tensor, grad: Tensor, g: ParamGroup<AdamOptions>, state: ParamState): void {
    if (fusedAdam(p, grad, g, state, null)) return;
    adamStep(p, effectiveGradient(p, grad, g), g, state);
  }
}

/** AdamW: decoupled weight decay, p = p·(1 - lr·weightDecay) before the Adam step. Default weightDecay 0.01. */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: Params, opts?: AdamInit);
  constructor(...args: ArgsOf<typeof ADAMW>);
  constructor(...args: unknown[]) {
    const [params, opts] = adamOptions(ADAMW as unknown as typeof ADAM, args);
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...opts });
  }

  protected validate(o: AdamOptions): void {
    validateAdam(o, 'AdamW');
  }

  protected updateParameter(p: Tensor, grad: Tensor, g: ParamGroup<AdamOptions>, state: ParamState): void {
    if (fusedAdam(p, grad, g, state, 1 - g.lr * g.weightDecay)) return;
    copy_(p, mul(p, 1 - g.lr * g.weightDecay));
    // the decay above replaces the L2 term in the gradient
    adamStep(p, effectiveGradient(p, grad, { maximize: g.maximize, weightDecay: 0 }), g, state);
  }
}

withSignature(Adam, ADAM);
withSignature(AdamW, ADAMW);
