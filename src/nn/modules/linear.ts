/** Linear (fully connected) layer and Identity. */
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import type { Tensor } from '../../core/tensor.js';
import { empty, linear } from '../../ops/index.js';
import { checkPositiveInt, pyBool } from '../check.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

/**
 * PyTorch's default for Linear and convolutions: kaiming_uniform_(a = √5), which is U(-1/√fan_in, 1/√fan_in)
 * for the weight, and the same bound for the bias.
 */
export function resetLinearLike(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const [fanIn] = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, { a: -bound, b: bound });
  }
}

/**
 * Passes its input through unchanged (a placeholder layer, as in PyTorch, e.g. to drop a classifier). Like
 * torch's Identity(*args, **kwargs) it accepts any arguments and ignores them, so code that swaps a layer for
 * Identity keeps its constructor call (`new nn.Identity(54, { unused: 'x' })`).
 */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x;
  }
}

export interface LinearOptions {
  bias?: boolean;
}

const IDENTITY = signature('Identity', 'torch.nn.', [], [], [], ['args', is.any]);
const LINEAR = signature('Linear', 'torch.nn.', [['inFeatures', is.int], ['outFeatures', is.int]], [['bias', is.bool]]);

/** y = x·Wᵀ + b, with weight [outFeatures, inFeatures] and bias [outFeatures]. */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(...args: ArgsOf<typeof LINEAR>) {
    super();
    const { inFeatures, outFeatures, bias = true } = parseArgs(LINEAR, args);
    checkPositiveInt(inFeatures, 'Linear', 'inFeatures');
    checkPositiveInt(outFeatures, 'Linear', 'outFeatures');
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(empty([outFeatures, inFeatures]));
    this.bias = bias ? new Parameter(empty([outFeatures])) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    resetLinearLike(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

withSignature(Identity, IDENTITY);
withSignature(Linear, LINEAR);
