/** Dropout layers: active in training mode, the identity after eval(). */
import { is, ownSignature, parseArgs, sameSignature, signature, type ArgsOf } from '../../core/args.js';
import type { Generator } from '../../core/random.js';
import type { Tensor } from '../../core/tensor.js';
import { checkProbability, pyBool, pyFloat } from '../check.js';
import * as F from '../dropout.js';
import { Module } from '../module.js';

export interface DropoutLayerOptions {
  /** Probability of an element (or channel) to be zeroed. Default 0.5. */
  p?: number;
  /** Accepted for PyTorch compatibility; convkit computes out of place. */
  inplace?: boolean;
  generator?: Generator;
}

/** generator is convkit's own (PyTorch layers draw from the global generator): a keyword-only option. */
const DROPOUT = signature('Dropout', 'torch.nn.', [], [['p', is.number], ['inplace', is.bool]], [['generator', is.generator]]);

abstract class DropoutBase extends Module {
  readonly p: number;
  readonly inplace: boolean;
  protected readonly _generator?: Generator;

  constructor(...args: ArgsOf<typeof DROPOUT>) {
    super();
    const { p = 0.5, inplace = false, generator } = parseArgs(ownSignature(new.target, DROPOUT), args);
    checkProbability(p, this.constructor.name);
    this.p = p;
    this.inplace = inplace;
    this._generator = generator;
  }

  protected options(): F.DropoutOptions {
    return { p: this.p, training: this.training, generator: this._generator };
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

/** Zeroes elements with probability p (scaling the rest by 1/(1-p)). */
export class Dropout extends DropoutBase {
  forward(x: Tensor): Tensor {
    return F.dropout(x, this.options());
  }
}

/** Zeroes whole channels of [N, C, L]. */
export class Dropout1d extends DropoutBase {
  forward(x: Tensor): Tensor {
    return F.dropout1d(x, this.options());
  }
}

/** Zeroes whole channels of [N, C, H, W]. */
export class Dropout2d extends DropoutBase {
  forward(x: Tensor): Tensor {
    return F.dropout2d(x, this.options());
  }
}

/** Zeroes whole channels of [N, C, D, H, W]. */
export class Dropout3d extends DropoutBase {
  forward(x: Tensor): Tensor {
    return F.dropout3d(x, this.options());
  }
}

for (const [name, cls] of Object.entries({ Dropout, Dropout1d, Dropout2d, Dropout3d })) sameSignature(cls, DROPOUT, name, 'torch.nn.');
