/** Flatten and Unflatten: reshape layers for moving between convolutional and linear parts of a network. */
import type { Tensor } from '../../core/tensor.js';
import { flatten, unflatten } from '../../ops/index.js';
import { pySize } from '../check.js';
import { Module } from '../module.js';

export interface FlattenOptions {
  startDim?: number;
  endDim?: number;
}

/** Flattens dims startDim..endDim (default 1..-1: everything but the batch). */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor({ startDim = 1, endDim = -1 }: FlattenOptions = {}) {
    super();
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

  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    if (!Number.isInteger(dim)) throw new RangeError(`Unflatten: dim must be an integer, got ${dim}`);
    if (!Array.isArray(unflattenedSize) || unflattenedSize.some((s) => !Number.isInteger(s))) {
      throw new TypeError(`Unflatten: unflattenedSize must be an array of integers, got ${JSON.stringify(unflattenedSize)}`);
    }
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
