/** Flatten and Unflatten: reshape layers for moving between convolutional and linear parts of a network. */
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import type { Tensor } from '../../core/tensor.js';
import { flatten, unflatten } from '../../ops/index.js';
import { pySize } from '../check.js';
import { Module } from '../module.js';

export interface FlattenOptions {
  startDim?: number;
  endDim?: number;
}

const FLATTEN = signature('Flatten', 'torch.nn.', [], [['startDim', is.int], ['endDim', is.int]]);
const UNFLATTEN = signature('Unflatten', 'torch.nn.', [['dim', is.int], ['unflattenedSize', is.ints]], []);

/** Flattens dims startDim..endDim (default 1..-1: everything but the batch). */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(...args: ArgsOf<typeof FLATTEN>) {
    super();
    const { startDim = 1, endDim = -1 } = parseArgs(FLATTEN, args);
    this.startDim = startDim;
    this.endDim = endDim;
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Splits dim into `unflattenedSize` (the inverse of Flatten). */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: readonly number[];

  constructor(...args: ArgsOf<typeof UNFLATTEN>) {
    super();
    const { dim, unflattenedSize } = parseArgs(UNFLATTEN, args);
    this.dim = dim;
    this.unflattenedSize = unflattenedSize.slice();
  }

  forward(x: Tensor): Tensor {
    return unflatten(x, this.dim, this.unflattenedSize);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pySize(this.unflattenedSize)}`;
  }
}

withSignature(Flatten, FLATTEN);
withSignature(Unflatten, UNFLATTEN);
