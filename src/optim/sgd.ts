/** Stochastic gradient descent with momentum and Nesterov momentum (torch.optim.SGD, PyTorch 1.13 update). */
import type { Tensor } from '../core/tensor.js';
import { clone, zerosLike } from '../ops/index.js';
import { fusedOptimizerStep, hasFusedOptimizerStep } from '../ops/optimizer-step.js';
import { scaleAdd_ } from '../ops/scale-add.js';
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../core/args.js';
import { DEFAULT_ONLY, PARAMS, checkNonNegative, Optimizer, type OptimizerOptions, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';
import { addScaled, effectiveGradient } from './update.js';

export interface SGDOptions extends OptimizerOptions {
  momentum: number;
  dampening: number;
  /** L2 penalty: weightDecay·param is added to the gradient. */
  weightDecay: number;
  nesterov: boolean;
  /** Ascend the objective instead of descending. */
  maximize: boolean;
}

/**
 * d = g + weightDecay·p;  b = momentum·b + (1 - dampening)·d (b = d at the first step);
 * d = nesterov ? d + momentum·b : b;  p = p - lr·d.
 */
const SGD_SIG = signature('SGD', 'torch.optim.', [['params', PARAMS]], [
  ['lr', is.number], ['momentum', is.number], ['dampening', is.number], ['weightDecay', is.number], ['nesterov', is.bool],
], [['maximize', is.bool], ['foreach', DEFAULT_ONLY], ['differentiable', DEFAULT_ONLY]]);

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<SGDOptions>>, opts: Partial<SGDOptions> & { lr: number });
  constructor(...args: ArgsOf<typeof SGD_SIG>);
  constructor(...args: unknown[]) {
    const { params, foreach, differentiable, ...opts } = parseArgs(SGD_SIG, args);
    if (opts.lr === undefined) throw new RangeError('SGD: lr is required');
    super(params as Iterable<Tensor>, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...opts, lr: opts.lr });
  }

  protected validate(o: SGDOptions): void {
    checkNonNegative(o, 'SGD', ['lr', 'momentum', 'weightDecay']);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) throw new RangeError('SGD: Nesterov momentum requires a momentum and zero dampening');
  }

  protected updateParameter(p: Tensor, grad: Tensor, g: ParamGroup<SGDOptions>, state: ParamState): void {
    if (this.fusedUpdate(p, grad, g, state)) return;
    let d = effectiveGradient(p, grad, g);
    if (g.momentum !== 0) {
      const prev = state.momentumBuffer as Tensor | undefined;
      // updated in place: the buffer is the optimizer's own (PyTorch's buf.mul_(momentum).add_(d, alpha=1-dampening))
      const buf = prev ? scaleAdd_(prev, g.momentum, d, 1 - g.dampening) : clone(d);
      state.momentumBuffer = buf;
      d = g.nesterov ? addScaled(d, buf, g.momentum) : buf;
    }
    scaleAdd_(p, 1, d, -g.lr);
  }

  /** The backend's one-kernel update, where it has one. */
  private fusedUpdate(p: Tensor, grad: Tensor, g: ParamGroup<SGDOptions>, state: ParamState): boolean {
    if (!hasFusedOptimizerStep(p)) return false;
    const firstStep = g.momentum !== 0 && state.momentumBuffer === undefined;
    const buf = g.momentum === 0 ? [] : [(state.momentumBuffer as Tensor | undefined) ?? zerosLike(p)];
    const { lr, momentum, dampening, nesterov, weightDecay, maximize } = g;
    if (!fusedOptimizerStep({ kind: 'sgd', lr, momentum, dampening, nesterov, weightDecay, maximize, firstStep }, p, grad, buf)) {
      if (firstStep) buf[0].dispose();
      return false;
    }
    if (buf.length) state.momentumBuffer = buf[0];
    return true;
  }
}

withSignature(SGD, SGD_SIG);
