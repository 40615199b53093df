/** BatchNorm1d/2d/3d: batch statistics in training mode, running estimates after eval(). */
import { is, ownSignature, parseArgs, sameSignature, signature, type ArgsOf } from '../../core/args.js';
import { noGrad } from '../../core/autograd.js';
import { fmt } from '../../core/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { add_, ones, reciprocal, to, zeros } from '../../ops/index.js';
import { batchNormThen, type BatchNormEpilogue } from '../batchnorm.js';
import { checkPositiveInt, checkTensor, pyBool, pyFloat } from '../check.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { registerRunningStats } from './running-stats.js';

export interface BatchNormLayerOptions {
  eps?: number;
  /** Weight of each new batch in the running estimates; null for a cumulative average over all batches. */
  momentum?: number | null;
  /** Learnable per-channel scale (weight) and shift (bias). */
  affine?: boolean;
  /** Keep running_mean/running_var for evaluation; without them batch statistics are used in eval mode too. */
  trackRunningStats?: boolean;
}

const BATCH_NORM = signature('BatchNorm2d', 'torch.nn.', [['numFeatures', is.int]], [
  ['eps', is.number], ['momentum', is.nullable(is.number)], ['affine', is.bool], ['trackRunningStats', is.bool],
]);

abstract class BatchNormBase extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  /** Allowed input ranks, with the shape PyTorch names in its error. */
  protected abstract readonly _ranks: readonly number[];

  constructor(...args: ArgsOf<typeof BATCH_NORM>) {
    super();
    const { numFeatures, eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = parseArgs(ownSignature(new.target, BATCH_NORM), args);
    checkPositiveInt(numFeatures, this.constructor.name, 'numFeatures');
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures])) : null;
    if (trackRunningStats) registerRunningStats(this, numFeatures);
  }

  get runningMean(): Tensor | null {
    return this.trackRunningStats ? this.getBuffer('running_mean') : null;
  }

  get runningVar(): Tensor | null {
    return this.trackRunningStats ? this.getBuffer('running_var') : null;
  }

  get numBatchesTracked(): Tensor | null {
    return this.trackRunningStats ? this.getBuffer('num_batches_tracked') : null;
  }

  /** Running statistics back to mean 0, variance 1 and no batches seen. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.runningMean!.fill_(0);
      this.runningVar!.fill_(1);
      this.numBatchesTracked!.fill_(0);
    });
  }

  resetParameters(): void {
    this.resetRunningStats();
    if (this.affine) noGrad(() => {
      this.weight!.fill_(1);
      this.bias!.fill_(0);
    });
  }

  forward(x: Tensor): Tensor {
    return this.forwardThen(x);
  }

  /** relu?(forward(x) + residual) with the epilogue fused into the normalisation's last pass (ResNet's blocks). */
  forwardThen(x: Tensor, epilogue: BatchNormEpilogue = {}): Tensor {
    checkTensor(x, this.constructor.name);
    if (!this._ranks.includes(x.ndim)) {
      throw new RangeError(`${this.constructor.name}: expected ${this._ranks.map((r) => `${r}D`).join(' or ')} input, got ${x.ndim}D input ${fmt(x.shape)}`);
    }
    if (x.shape[1] !== this.numFeatures) {
      throw new RangeError(`${this.constructor.name}: expected input with ${this.numFeatures} channels (dim 1), got ${fmt(x.shape)}`);
    }
    let factor: number | Tensor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats) {
      noGrad(() => add_(this.numBatchesTracked!, 1));
      // momentum null: a cumulative moving average, each batch weighted 1/(batches seen), computed on the device
      if (this.momentum === null) factor = noGrad(() => reciprocal(to(this.numBatchesTracked!, x.dtype)));
    }
    const useBatchStats = this.training || !this.trackRunningStats;
    const updateRunning = this.training && this.trackRunningStats;
    return batchNormThen(
      x,
      !useBatchStats || updateRunning ? this.runningMean : null,
      !useBatchStats || updateRunning ? this.runningVar : null,
      this.weight,
      this.bias,
      { training: useBatchStats, momentum: factor, eps: this.eps },
      epilogue,
    );
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** Over [N, C] or [N, C, L] (per feature of a linear layer, or per channel of a 1-D signal). */
export class BatchNorm1d extends BatchNormBase {
  protected readonly _ranks = [2, 3];
}

/** Over [N, C, H, W]: one mean and variance per channel across the batch and the image. */
export class BatchNorm2d extends BatchNormBase {
  protected readonly _ranks = [4];
}

/** Over [N, C, D, H, W]. */
export class BatchNorm3d extends BatchNormBase {
  protected readonly _ranks = [5];
}

for (const [nd, cls] of [BatchNorm1d, BatchNorm2d, BatchNorm3d].entries()) sameSignature(cls, BATCH_NORM, `BatchNorm${nd + 1}d`, `torch.nn.BatchNorm${nd + 1}d`);
