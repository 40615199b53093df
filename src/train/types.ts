import type { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';

/** A loss: model output and targets in, a scalar tensor out (F.crossEntropy by default). */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

/** A batch as loaders yield it: inputs first, targets second. */
export type Batch = readonly Tensor[];

/** Anything `for await` can walk through in batches: a DataLoader, or an array of [x, y] pairs. */
export type BatchSource = AsyncIterable<Batch> | Iterable<Batch>;

/** Runs the model on an input batch. */
export function forward(model: Module, x: Tensor): Tensor {
  return model.call(x) as Tensor;
}
