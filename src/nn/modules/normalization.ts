/** LocalResponseNorm (AlexNet's normalisation across neighbouring channels). */
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import type { Tensor } from '../../core/tensor.js';
import { localResponseNorm } from '../../ops/conv/index.js';
import { checkPositiveInt, pyFloat } from '../check.js';
import { Module } from '../module.js';

export interface LocalResponseNormLayerOptions {
  alpha?: number;
  beta?: number;
  k?: number;
}

const LRN = signature('LocalResponseNorm', 'torch.nn.', [['size', is.int]], [['alpha', is.number], ['beta', is.number], ['k', is.number]]);

/** x / (k + alpha/size · Σ x² over `size` neighbouring channels)^beta. */
export class LocalResponseNorm extends Module {
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;

  constructor(...args: ArgsOf<typeof LRN>) {
    super();
    const { size, alpha = 1e-4, beta = 0.75, k = 1 } = parseArgs(LRN, args);
    checkPositiveInt(size, 'LocalResponseNorm', 'size');
    this.size = size;
    this.alpha = alpha;
    this.beta = beta;
    this.k = k;
  }

  forward(x: Tensor): Tensor {
    return localResponseNorm(x, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }

  override extraRepr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}

withSignature(LocalResponseNorm, LRN);
