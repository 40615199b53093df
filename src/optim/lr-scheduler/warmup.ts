/** Warm-ups: a factor on the initial lr that holds (ConstantLR) or moves linearly (LinearLR) for totalIters epochs. */
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import { LAST, LRScheduler, OPTIMIZER, type AnyOptimizer, type SchedulerOptions } from './base.js';

const CONSTANT_LR_SIG = signature('ConstantLR', 'torch.optim.lr_scheduler.', [['optimizer', OPTIMIZER]], [['factor', is.number], ['totalIters', is.int], ...LAST]);
const LINEAR_LR_SIG = signature('LinearLR', 'torch.optim.lr_scheduler.', [['optimizer', OPTIMIZER]], [['startFactor', is.number], ['endFactor', is.number], ['totalIters', is.int], ...LAST]);

export interface ConstantLROptions extends SchedulerOptions {
  factor?: number;
  totalIters?: number;
}

/** lr = initialLr · factor until totalIters, then initialLr (a warm-up at a constant fraction). */
export class ConstantLR extends LRScheduler {
  readonly factor: number;
  readonly totalIters: number;

  constructor(...args: ArgsOf<typeof CONSTANT_LR_SIG>) {
    const { optimizer, factor = 1 / 3, totalIters = 5, lastEpoch } = parseArgs(CONSTANT_LR_SIG, args);
    super(optimizer, lastEpoch);
    if (!(factor >= 0 && factor <= 1)) throw new RangeError(`ConstantLR: factor expected to be between 0 and 1, got ${factor}`);
    this.factor = factor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 / this.factor));
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
}

export interface LinearLROptions extends SchedulerOptions {
  startFactor?: number;
  endFactor?: number;
  totalIters?: number;
}

/** The factor on initialLr moves linearly from startFactor to endFactor over totalIters epochs (warm-up). */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(...args: ArgsOf<typeof LINEAR_LR_SIG>) {
    const { optimizer, startFactor = 1 / 3, endFactor = 1, totalIters = 5, lastEpoch } = parseArgs(LINEAR_LR_SIG, args);
    super(optimizer, lastEpoch);
    if (!(startFactor > 0 && startFactor <= 1)) throw new RangeError(`LinearLR: startFactor expected to be in (0, 1], got ${startFactor}`);
    if (!(endFactor >= 0 && endFactor <= 1)) throw new RangeError(`LinearLR: endFactor expected to be between 0 and 1, got ${endFactor}`);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return groups.map((g) => g.lr);
    const span = this.endFactor - this.startFactor;
    return groups.map((g) => g.lr * (1 + span / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * span)));
  }

  protected override closedFormLr(): number[] {
    const progress = Math.min(this.totalIters, this.lastEpoch) / this.totalIters;
    return this.baseLrs.map((lr) => lr * (this.startFactor + (this.endFactor - this.startFactor) * progress));
  }
}

withSignature(ConstantLR, CONSTANT_LR_SIG);
withSignature(LinearLR, LINEAR_LR_SIG);
