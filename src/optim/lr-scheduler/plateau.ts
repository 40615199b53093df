/** ReduceLROnPlateau: a schedule driven by a validation metric rather than by the epoch count. */
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import { currentLrs, OPTIMIZER, perGroup, VERBOSE, type AnyOptimizer } from './base.js';

const REDUCE_LRON_PLATEAU_SIG = signature('ReduceLROnPlateau', 'torch.optim.lr_scheduler.', [['optimizer', OPTIMIZER]], [
  ['mode', is.oneOf('min', 'max')], ['factor', is.number], ['patience', is.int], ['threshold', is.number], ['thresholdMode', is.oneOf('rel', 'abs')],
  ['cooldown', is.int], ['minLr', is.numberOrTuple], ['eps', is.number], ['verbose', VERBOSE],
]);

export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should decrease (a loss); 'max': increase (an accuracy). */
  mode?: 'min' | 'max';
  /** lr = lr·factor at each reduction. Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** The least change that counts as an improvement. Default 1e-4. */
  threshold?: number;
  /** 'rel': relative to the best value; 'abs': absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again. */
  cooldown?: number;
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped. */
  eps?: number;
}

/** Reduces the lr by `factor` when a metric has stopped improving for `patience` epochs. */
export class ReduceLROnPlateau {
  readonly optimizer: AnyOptimizer;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private _lastLr: number[];

  constructor(...args: ArgsOf<typeof REDUCE_LRON_PLATEAU_SIG>) {
    const { optimizer, ...opts } = parseArgs(REDUCE_LRON_PLATEAU_SIG, args);
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 } = opts;
    if (!(factor < 1)) throw new RangeError(`ReduceLROnPlateau: factor should be < 1.0, got ${factor}`);
    if (mode !== 'min' && mode !== 'max') throw new RangeError(`ReduceLROnPlateau: mode ${JSON.stringify(mode)} is unknown (expected 'min' or 'max')`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new RangeError(`ReduceLROnPlateau: threshold mode ${JSON.stringify(thresholdMode)} is unknown (expected 'rel' or 'abs')`);
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = perGroup(minLr, optimizer, 'minLr', 'ReduceLROnPlateau');
    this.eps = eps;
    this.best = mode === 'min' ? Infinity : -Infinity;
    this._lastLr = currentLrs(optimizer);
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** Records this epoch's metric (a number, or a one-element tensor's value) and reduces the lr if it is time. */
  step(metric: number | { item(): number }): void {
    const current = typeof metric === 'number' ? metric : metric.item();
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLrs();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = currentLrs(this.optimizer);
  }

  /** lr·factor, not below the group's minLr; a change of eps or less is not made. */
  private reduceLrs(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const newLr = Math.max(g.lr * this.factor, this.minLrs[i]);
      if (g.lr - newLr > this.eps) g.lr = newLr;
    });
  }

  getLastLr(): number[] {
    return this._lastLr.slice();
  }

  stateDict(): Record<string, unknown> {
    return { best: this.best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, lastEpoch: this.lastEpoch, _lastLr: this._lastLr.slice() };
  }

  loadStateDict(state: Record<string, unknown>): void {
    this.best = state.best as number;
    this.numBadEpochs = state.numBadEpochs as number;
    this.cooldownCounter = state.cooldownCounter as number;
    this.lastEpoch = state.lastEpoch as number;
    this._lastLr = (state._lastLr as number[]).slice();
  }
}

withSignature(ReduceLROnPlateau, REDUCE_LRON_PLATEAU_SIG);
