/** Schedules given by the user's functions of the epoch: one function, or one per parameter group. */
import { LRScheduler, type AnyOptimizer, type SchedulerOptions } from './base.js';

type LrLambda = (epoch: number) => number;

/** Holds one lr function per group (a single function serves every group). */
abstract class LambdaScheduler extends LRScheduler {
  protected readonly _lambdas: LrLambda[];

  constructor(optimizer: AnyOptimizer, lrLambda: LrLambda | readonly LrLambda[], { lastEpoch }: SchedulerOptions = {}) {
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
