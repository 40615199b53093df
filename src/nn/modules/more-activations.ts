/** PReLU, Hardswish, Hardsigmoid and Mish layers around ../more-activations.ts. */
import { is, ownSignature, parseArgs, sameSignature, signature, withSignature, type ArgsOf } from '../../core/args.js';
import type { Tensor } from '../../core/tensor.js';
import { full } from '../../ops/index.js';
import { checkPositiveInt } from '../check.js';
import { Module } from '../module.js';
import { hardsigmoid, hardswish, mish, prelu } from '../more-activations.js';
import { Parameter } from '../parameter.js';

const HARDSWISH = signature('Hardswish', 'torch.nn.', [], [['inplace', is.bool]]);

/** `inplace` is accepted so PyTorch definitions transcribe and print unchanged; the result is computed out of place. */
abstract class InplaceActivation extends Module {
  readonly inplace: boolean;

  constructor(...args: ArgsOf<typeof HARDSWISH>) {
    super();
    this.inplace = parseArgs(ownSignature(new.target, HARDSWISH), args).inplace ?? false;
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

export class Hardswish extends InplaceActivation {
  forward(x: Tensor): Tensor {
    return hardswish(x);
  }
}
export class Hardsigmoid extends InplaceActivation {
  forward(x: Tensor): Tensor {
    return hardsigmoid(x);
  }
}
export class Mish extends InplaceActivation {
  forward(x: Tensor): Tensor {
    return mish(x);
  }
}
sameSignature(Hardswish, HARDSWISH, 'Hardswish', 'torch.nn.');
sameSignature(Hardsigmoid, HARDSWISH, 'Hardsigmoid', 'torch.nn.');
sameSignature(Mish, HARDSWISH, 'Mish', 'torch.nn.');

const PRELU = signature('PReLU', 'torch.nn.', [], [['numParameters', is.int], ['init', is.number]]);

/** Leaky ReLU with a learned slope: one for all channels, or one per channel (numParameters = C). */
export class PReLU extends Module {
  weight: Parameter;
  readonly numParameters: number;

  constructor(...args: ArgsOf<typeof PRELU>) {
    super();
    const { numParameters = 1, init = 0.25 } = parseArgs(PRELU, args);
    checkPositiveInt(numParameters, 'PReLU', 'numParameters');
    this.numParameters = numParameters;
    this.weight = new Parameter(full([numParameters], init));
  }

  forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }

  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}


withSignature(PReLU, PRELU);
