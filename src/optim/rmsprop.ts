/** RMSprop (Hinton's lecture 6e; centered form from Graves 2013), PyTorch 1.13's update. */
import type { Tensor } from '../core/tensor.js';
import { add, copy_, div, mul, sqrt, sub, zerosLike } from '../ops/index.js';
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../core/args.js';
import { DEFAULT_ONLY, PARAMS, checkNonNegative, Optimizer, type OptimizerOptions, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';
import { fusedOptimizerStep } from '../ops/optimizer-step.js';
import { adaptiveStep_, addScaled, effectiveGradient } from './update.js';

export interface RMSpropOptions extends OptimizerOptions {
  /** Smoothing constant of the squared-gradient average. */
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  /** Normalise by the estimated variance of the gradient instead of its second moment. */
  centered: boolean;
  maximize: boolean;
}

/**
 * s = α·s + (1-α)·g²;  centered: a = α·a + (1-α)·g, avg = √(s - a²) + eps, else avg = √s + eps;
 * with momentum b = momentum·b + g/avg, p = p - lr·b; without, p = p - lr·g/avg.
 */
const RMSPROP = signature('RMSprop', 'torch.optim.', [['params', PARAMS]], [
  ['lr', is.number], ['alpha', is.number], ['eps', is.number], ['weightDecay', is.number], ['momentum', is.number], ['centered', is.bool],
  ['foreach', DEFAULT_ONLY], ['maximize', is.bool], ['differentiable', DEFAULT_ONLY],
]);

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<RMSpropOptions>>, opts?: Partial<RMSpropOptions>);
  constructor(...args: ArgsOf<typeof RMSPROP>);
  constructor(...args: unknown[]) {
    const { params, foreach, differentiable, ...opts } = parseArgs(RMSPROP, args);
    super(params as Iterable<Tensor>, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...opts });
  }

  protected validate(o: RMSpropOptions): void {
    checkNonNegative(o, 'RMSprop', ['lr', 'eps', 'momentum', 'weightDecay', 'alpha']);
  }

  protected updateParameter(p: Tensor, grad: Tensor, g: ParamGroup<RMSpropOptions>, state: ParamState): void {
    if (state.step === undefined) {
      state.step = 0;
      state.squareAvg = zerosLike(p);
      if (g.momentum > 0) state.momentumBuffer = zerosLike(p);
      if (g.centered) state.gradAvg = zerosLike(p);
    }
    state.step = (state.step as number) + 1;
    const buffers = [state.squareAvg, ...(g.momentum > 0 ? [state.momentumBuffer] : []), ...(g.centered ? [state.gradAvg] : [])] as Tensor[];
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = g;
    if (fusedOptimizerStep({ kind: 'rmsprop', lr, alpha, eps, weightDecay, momentum, centered, maximize }, p, grad, buffers)) return;
    const d = effectiveGradient(p, grad, g);
    const squareAvg = add(mul(state.squareAvg as Tensor, g.alpha), mul(mul(d, 1 - g.alpha), d));
    state.squareAvg = squareAvg;
    let avg: Tensor;
    if (g.centered) {
      const gradAvg = addScaled(mul(state.gradAvg as Tensor, g.alpha), d, 1 - g.alpha);
      state.gradAvg = gradAvg;
      avg = sqrt(sub(squareAvg, mul(gradAvg, gradAvg)));
    } else {
      avg = sqrt(squareAvg);
    }
    avg = add(avg, g.eps);
    if (g.momentum > 0) {
      const buf = add(mul(state.momentumBuffer as Tensor, g.momentum), div(d, avg));
      state.momentumBuffer = buf;
      copy_(p, addScaled(p, buf, -g.lr));
    } else {
      adaptiveStep_(p, d, g.lr, avg);
    }
  }
}

withSignature(RMSprop, RMSPROP);
