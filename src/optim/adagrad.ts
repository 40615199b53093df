/** Adagrad (Duchi et al. 2011), PyTorch 1.13's update. */
import type { Tensor } from '../core/tensor.js';
import { add, fullLike, mul, sqrt } from '../ops/index.js';
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../core/args.js';
import { DEFAULT_ONLY, PARAMS, checkNonNegative, Optimizer, type OptimizerOptions, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';
import { fusedOptimizerStep } from '../ops/optimizer-step.js';
import { adaptiveStep_, effectiveGradient } from './update.js';

export interface AdagradOptions extends OptimizerOptions {
  /** The step size decays as lr/(1 + (t-1)·lrDecay). */
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/** s = s + g²;  p = p - lr_t · g/(√s + eps). */
const ADAGRAD = signature('Adagrad', 'torch.optim.', [['params', PARAMS]], [
  ['lr', is.number], ['lrDecay', is.number], ['weightDecay', is.number], ['initialAccumulatorValue', is.number], ['eps', is.number], ['foreach', DEFAULT_ONLY],
], [['maximize', is.bool]]);

export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<AdagradOptions>>, opts?: Partial<AdagradOptions>);
  constructor(...args: ArgsOf<typeof ADAGRAD>);
  constructor(...args: unknown[]) {
    const { params, foreach, ...opts } = parseArgs(ADAGRAD, args);
    super(params as Iterable<Tensor>, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...opts });
  }

  protected validate(o: AdagradOptions): void {
    checkNonNegative(o, 'Adagrad', ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps']);
  }

  protected updateParameter(p: Tensor, grad: Tensor, g: ParamGroup<AdagradOptions>, state: ParamState): void {
    if (state.step === undefined) {
      state.step = 0;
      state.sum = fullLike(p, g.initialAccumulatorValue);
    }
    const step = (state.step as number) + 1;
    state.step = step;
    const clr = g.lr / (1 + (step - 1) * g.lrDecay);
    const { eps, weightDecay, maximize } = g;
    if (fusedOptimizerStep({ kind: 'adagrad', lr: clr, eps, weightDecay, maximize }, p, grad, [state.sum as Tensor])) return;
    const d = effectiveGradient(p, grad, g);
    const sum = add(state.sum as Tensor, mul(d, d));
    state.sum = sum;
    adaptiveStep_(p, d, clr, add(sqrt(sum), g.eps));
  }
}

withSignature(Adagrad, ADAGRAD);
