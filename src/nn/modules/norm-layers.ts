/** LayerNorm, GroupNorm and InstanceNorm1d/2d/3d, the layers around ../normalization.ts. */
import { is, ownSignature, parseArgs, sameSignature, signature, withSignature, type ArgsOf } from '../../core/args.js';
import { fmt } from '../../core/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { ones, reshape, zeros } from '../../ops/index.js';
import { checkPositiveInt, checkTensor, pyBool, pyFloat, pySize } from '../check.js';
import { Module } from '../module.js';
import { groupNorm, instanceNorm, layerNorm } from '../normalization.js';
import { Parameter } from '../parameter.js';
import { registerRunningStats } from './running-stats.js';

const LAYER_NORM = signature('LayerNorm', 'torch.nn.', [['normalizedShape', is.intOrTuple]], [['eps', is.number], ['elementwiseAffine', is.bool]]);

/** Normalises over the last dims (one sample's features), with a learnable per-element scale and shift. */
export class LayerNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;

  constructor(...args: ArgsOf<typeof LAYER_NORM>) {
    super();
    const { normalizedShape, eps = 1e-5, elementwiseAffine = true } = parseArgs(LAYER_NORM, args);
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.normalizedShape.forEach((s) => checkPositiveInt(s, 'LayerNorm', 'normalizedShape'));
    this.eps = eps;
    this.elementwiseAffine = elementwiseAffine;
    this.weight = elementwiseAffine ? new Parameter(ones(this.normalizedShape)) : null;
    this.bias = elementwiseAffine ? new Parameter(zeros(this.normalizedShape)) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${pySize(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

const GROUP_NORM = signature('GroupNorm', 'torch.nn.', [['numGroups', is.int], ['numChannels', is.int]], [['eps', is.number], ['affine', is.bool]]);

/** Channels in groups, each group normalised per sample (Wu & He 2018); batch-size independent. */
export class GroupNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;

  constructor(...args: ArgsOf<typeof GROUP_NORM>) {
    super();
    const { numGroups, numChannels, eps = 1e-5, affine = true } = parseArgs(GROUP_NORM, args);
    checkPositiveInt(numGroups, 'GroupNorm', 'numGroups');
    checkPositiveInt(numChannels, 'GroupNorm', 'numChannels');
    if (numChannels % numGroups !== 0) throw new RangeError(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = eps;
    this.affine = affine;
    this.weight = affine ? new Parameter(ones([numChannels])) : null;
    this.bias = affine ? new Parameter(zeros([numChannels])) : null;
  }

  forward(x: Tensor): Tensor {
    checkTensor(x, 'GroupNorm');
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) throw new RangeError(`GroupNorm: expected an input [N, ${this.numChannels}, ...], got ${fmt(x.shape)}`);
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}

const INSTANCE_NORM = signature('InstanceNorm2d', 'torch.nn.', [['numFeatures', is.int]], [
  ['eps', is.number], ['momentum', is.number], ['affine', is.bool], ['trackRunningStats', is.bool],
]);

/** Each channel of each sample normalised over its positions (style transfer, GANs). */
abstract class InstanceNormNd extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  /** Spatial dims of the layer: 1, 2 or 3. */
  protected abstract readonly _spatial: number;

  constructor(...args: ArgsOf<typeof INSTANCE_NORM>) {
    super();
    const sig = ownSignature(new.target, INSTANCE_NORM);
    const { numFeatures, eps = 1e-5, momentum = 0.1, affine = false, trackRunningStats = false } = parseArgs(sig, args);
    checkPositiveInt(numFeatures, sig.name, 'numFeatures');
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures])) : null;
    if (trackRunningStats) registerRunningStats(this, numFeatures);
  }

  forward(x: Tensor): Tensor {
    const name = this.constructor.name;
    checkTensor(x, name);
    const nd = this._spatial;
    if (x.ndim !== nd + 1 && x.ndim !== nd + 2) throw new RangeError(`${name}: expected a ${nd + 1}-D (unbatched) or ${nd + 2}-D input, got ${fmt(x.shape)}`);
    const batched = x.ndim === nd + 2 ? x : reshape(x, [1, ...x.shape]);
    if ((this.affine || this.trackRunningStats) && batched.shape[1] !== this.numFeatures) {
      throw new RangeError(`${name}: expected ${this.numFeatures} channels (numFeatures), got input ${fmt(x.shape)}`);
    }
    const stats = this.trackRunningStats ? [this.getBuffer('running_mean'), this.getBuffer('running_var')] : [null, null];
    const y = instanceNorm(batched, stats[0], stats[1], this.weight, this.bias, this.training || !this.trackRunningStats, this.momentum, this.eps);
    return x.ndim === nd + 2 ? y : reshape(y, x.shape);
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${pyFloat(this.momentum)}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

export class InstanceNorm1d extends InstanceNormNd {
  protected readonly _spatial = 1;
}
export class InstanceNorm2d extends InstanceNormNd {
  protected readonly _spatial = 2;
}
export class InstanceNorm3d extends InstanceNormNd {
  protected readonly _spatial = 3;
}
sameSignature(InstanceNorm1d, INSTANCE_NORM, 'InstanceNorm1d', 'torch.nn.');
sameSignature(InstanceNorm2d, INSTANCE_NORM, 'InstanceNorm2d', 'torch.nn.');
sameSignature(InstanceNorm3d, INSTANCE_NORM, 'InstanceNorm3d', 'torch.nn.');
withSignature(LayerNorm, LAYER_NORM);
withSignature(GroupNorm, GROUP_NORM);
