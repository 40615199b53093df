/** Early stopping (the lecture's regulariser): stop when a validation metric has not improved for a while. */
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../core/args.js';

/** Not in PyTorch (Keras's callback): its options in the order of its fields. */
const EARLY_STOPPING = signature('EarlyStopping', null, [], [['patience', is.int], ['minDelta', is.number], ['mode', is.oneOf('min', 'max')]]);

export interface EarlyStoppingOptions {
  /** Epochs without improvement tolerated; training should stop at the next one. Default 5. */
  patience?: number;
  /** The least change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** 'min' for a loss, 'max' for an accuracy. Default 'min'. */
  mode?: 'min' | 'max';
}

/**
 * Call `step(metric)` once per epoch: it returns true once the metric has failed to improve (by more than
 * minDelta over the best so far) `patience` times in a row. `improved` says whether the last value was a
 * new best, which is when to save a checkpoint.
 */
export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  best: number;
  numBadEpochs = 0;
  improved = false;
  shouldStop = false;

  constructor(...args: ArgsOf<typeof EARLY_STOPPING>) {
    const { patience = 5, minDelta = 0, mode = 'min' } = parseArgs(EARLY_STOPPING, args);
    if (!Number.isInteger(patience) || patience < 0) throw new RangeError(`EarlyStopping: patience must be a non-negative integer, got ${patience}`);
    if (!(minDelta >= 0)) throw new RangeError(`EarlyStopping: minDelta must be non-negative, got ${minDelta}`);
    if (mode !== 'min' && mode !== 'max') throw new RangeError(`EarlyStopping: mode must be 'min' or 'max', got ${JSON.stringify(mode)}`);
    this.patience = patience;
    this.minDelta = minDelta;
    this.mode = mode;
    this.best = mode === 'min' ? Infinity : -Infinity;
  }

  /** Records one epoch's metric (a number, or a one-element tensor's value); returns shouldStop. */
  step(metric: number | { item(): number }): boolean {
    const value = typeof metric === 'number' ? metric : metric.item();
    if (Number.isNaN(value)) throw new RangeError('EarlyStopping: the metric is NaN');
    this.improved = this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
    if (this.improved) {
      this.best = value;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    this.shouldStop = !this.improved && this.numBadEpochs >= this.patience;
    return this.shouldStop;
  }

  stateDict(): { best: number; numBadEpochs: number; shouldStop: boolean } {
    return { best: this.best, numBadEpochs: this.numBadEpochs, shouldStop: this.shouldStop };
  }

  loadStateDict(state: { best: number; numBadEpochs: number; shouldStop: boolean }): void {
    this.best = state.best;
    this.numBadEpochs = state.numBadEpochs;
    this.shouldStop = state.shouldStop;
  }
}

withSignature(EarlyStopping, EARLY_STOPPING);
