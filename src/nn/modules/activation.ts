/**
 * Activation layers around the functions in ../activation.ts. `inplace` is accepted so that PyTorch model
 * definitions transcribe unchanged and print the same; convkit always computes out of place (same values).
 */
import type { Tensor } from '../../core/tensor.js';
import * as F from '../activation.js';
import { pyFloat } from '../check.js';
import { Module } from '../module.js';

export interface InplaceOption {
  inplace?: boolean;
}

const inplaceRepr = (inplace: boolean): string => (inplace ? 'inplace=True' : '');

/** A layer with one function and no parameters. */
abstract class Activation extends Module {
  readonly inplace: boolean;

  constructor({ inplace = false }: InplaceOption = {}) {
    super();
    this.inplace = inplace;
  }

  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

export class ReLU extends Activation {
  forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}

export class ReLU6 extends Activation {
  forward(x: Tensor): Tensor {
    return F.relu6(x);
  }
}

export class SiLU extends Activation {
  forward(x: Tensor): Tensor {
    return F.silu(x);
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}

export class LeakyReLU extends Activation {
  readonly negativeSlope: number;

  constructor({ negativeSlope = 0.01, inplace = false }: F.LeakyReluOptions & InplaceOption = {}) {
    super({ inplace });
    this.negativeSlope = negativeSlope;
  }

  forward(x: Tensor): Tensor {
    return F.leakyRelu(x, { negativeSlope: this.negativeSlope });
  }

  override extraRepr(): string {
    return [`negative_slope=${pyFloat(this.negativeSlope)}`, inplaceRepr(this.inplace)].filter(Boolean).join(', ');
  }
}

export class ELU extends Activation {
  readonly alpha: number;

  constructor({ alpha = 1, inplace = false }: F.EluOptions & InplaceOption = {}) {
    super({ inplace });
    this.alpha = alpha;
  }

  forward(x: Tensor): Tensor {
    return F.elu(x, { alpha: this.alpha });
  }

  override extraRepr(): string {
    return [`alpha=${pyFloat(this.alpha)}`, inplaceRepr(this.inplace)].filter(Boolean).join(', ');
  }
}

export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor({ approximate = 'none' }: F.GeluOptions = {}) {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') throw new RangeError(`GELU: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
    this.approximate = approximate;
  }

  forward(x: Tensor): Tensor {
    return F.gelu(x, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;

  constructor({ beta = 1, threshold = 20 }: F.SoftplusOptions = {}) {
    super();
    this.beta = beta;
    this.threshold = threshold;
  }

  forward(x: Tensor): Tensor {
    return F.softplus(x, { beta: this.beta, threshold: this.threshold });
  }

  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** A normalisation along `dim` (required: PyTorch's implicit choice of dim is deprecated). */
abstract class AlongDim extends Module {
  readonly dim: number;

  constructor(dim: number) {
    super();
    if (!Number.isInteger(dim)) throw new RangeError(`${this.constructor.name}: dim must be an integer, got ${dim}`);
    this.dim = dim;
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** Softmax along `dim`: each slice along it becomes a probability distribution. */
export class Softmax extends AlongDim {
  forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim);
  }
}

export class LogSoftmax extends AlongDim {
  forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.dim);
  }
}
