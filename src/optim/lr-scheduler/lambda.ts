/** Schedules given by the user's functions of the epoch: one function, or one per parameter group. */
import { check, ownSignature, parseArgs, sameSignature, signature, type ArgsOf } from '../../core/args.js';
import { LAST, LRScheduler, OPTIMIZER } from './base.js';

type LrLambda = (epoch: number) => number;

const LR_LAMBDA = check<LrLambda | readonly LrLambda[]>('a function or an array of functions (one per group)', (v) => typeof v === 'function' || (Array.isArray(v) && v.every((f) => typeof f === 'function')));
const LAMBDA_LR = signature('LambdaLR', 'torch.optim.lr_scheduler.', [['optimizer', OPTIMIZER], ['lrLambda', LR_LAMBDA]], [...LAST]);

/** Holds one lr function per group (a single function serves every group). */
abstract class LambdaScheduler extends LRScheduler {
  protected readonly _lambdas: LrLambda[];

  constructor(...args: ArgsOf<typeof LAMBDA_LR>) {
    const { optimizer, lrLambda, lastEpoch } = parseArgs(ownSignature(new.target, LAMBDA_LR), args);
    super(optimizer, lastEpoch);
    const groups = optimizer.paramGroups.length;
    if (typeof lrLambda === 'function') {
      this._lambdas = optimizer.paramGroups.map(() => lrLambda);
    } else {
      if (lrLambda.length !== groups) throw new RangeError(`${this.constructor.name}: expected ${groups} lr lambdas, got ${lrLambda.length}`);
      this._lambdas = lrLambda.slice();
    }
    this.initialStep();
  }
}

/** lr = initialLr · lrLambda(epoch) (one function, or one per group). */
export class LambdaLR extends LambdaScheduler {
  protected getLr(): number[] {
    return this.baseLrs.map((lr, i) => lr * this._lambdas[i](this.lastEpoch));
  }
}

/** lr = previous lr · lrLambda(epoch), from epoch 1 on. */
export class MultiplicativeLR extends LambdaScheduler {
  protected getLr(): number[] {
    return this.optimizer.paramGroups.map((g, i) => (this.lastEpoch > 0 ? g.lr * this._lambdas[i](this.lastEpoch) : g.lr));
  }
}

sameSignature(LambdaLR, LAMBDA_LR, 'LambdaLR', 'torch.optim.lr_scheduler.');
sameSignature(MultiplicativeLR, LAMBDA_LR, 'MultiplicativeLR', 'torch.optim.lr_scheduler.');
