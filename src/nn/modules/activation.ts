/**
 * Activation layers around the functions in ../activation.ts. `inplace` is accepted so that PyTorch model
 * definitions transcribe unchanged and print the same; convkit always computes out of place (same values).
 */
import { is, ownSignature, parseArgs, sameSignature, signature, withSignature, type ArgsOf } from '../../core/args.js';
import type { Tensor } from '../../core/tensor.js';
import * as F from '../activation.js';
import { pyFloat } from '../check.js';
import { Module } from '../module.js';

export interface InplaceOption {
  inplace?: boolean;
}

const inplaceRepr = (inplace: boolean): string => (inplace ? 'inplace=True' : '');

const RELU = signature('ReLU', 'torch.nn.', [], [['inplace', is.bool]]);
const LEAKY_RELU = signature('LeakyReLU', 'torch.nn.', [], [['negativeSlope', is.number], ['inplace', is.bool]]);
const ELU_SIG = signature('ELU', 'torch.nn.', [], [['alpha', is.number], ['inplace', is.bool]]);
const GELU_SIG = signature('GELU', 'torch.nn.', [], [['approximate', is.oneOf('none', 'tanh')]]);
const SOFTPLUS = signature('Softplus', 'torch.nn.', [], [['beta', is.number], ['threshold', is.number]]);
const SOFTMAX = signature('Softmax', 'torch.nn.', [['dim', is.int]], []);
const NO_ARGS = signature('Sigmoid', 'torch.nn.', [], []);

/** A layer with one function and no parameters, PyTorch's (inplace=False). */
abstract class Activation extends Module {
  readonly inplace: boolean;

  constructor(...args: ArgsOf<typeof RELU>) {
    super();
    this.inplace = parseArgs(ownSignature(new.target, RELU), args).inplace ?? false;
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

/** A layer without arguments (still refusing any, so that a stray argument is not silently dropped). */
abstract class NoArguments extends Module {
  constructor(...args: ArgsOf<typeof NO_ARGS>) {
    super();
    parseArgs(ownSignature(new.target, NO_ARGS), args);
  }
}

export class Sigmoid extends NoArguments {
  forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}

export class Tanh extends NoArguments {
  forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}

export class LeakyReLU extends Activation {
  readonly negativeSlope: number;

  constructor(...args: ArgsOf<typeof LEAKY_RELU>) {
    const { negativeSlope = 0.01, inplace = false } = parseArgs(LEAKY_RELU, args);
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

  constructor(...args: ArgsOf<typeof ELU_SIG>) {
    const { alpha = 1, inplace = false } = parseArgs(ELU_SIG, args);
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

  constructor(...args: ArgsOf<typeof GELU_SIG>) {
    super();
    const { approximate = 'none' } = parseArgs(GELU_SIG, args);
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

  constructor(...args: ArgsOf<typeof SOFTPLUS>) {
    super();
    const { beta = 1, threshold = 20 } = parseArgs(SOFTPLUS, args);
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

  constructor(...args: ArgsOf<typeof SOFTMAX>) {
    super();
    this.dim = parseArgs(ownSignature(new.target, SOFTMAX), args).dim;
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

withSignature(ReLU, RELU);
sameSignature(ReLU6, RELU, 'ReLU6', 'torch.nn.');
sameSignature(SiLU, RELU, 'SiLU', 'torch.nn.');
withSignature(Sigmoid, NO_ARGS);
sameSignature(Tanh, NO_ARGS, 'Tanh', 'torch.nn.');
withSignature(LeakyReLU, LEAKY_RELU);
withSignature(ELU, ELU_SIG);
withSignature(GELU, GELU_SIG);
withSignature(Softplus, SOFTPLUS);
withSignature(Softmax, SOFTMAX);
sameSignature(LogSoftmax, SOFTMAX, 'LogSoftmax', 'torch.nn.');
