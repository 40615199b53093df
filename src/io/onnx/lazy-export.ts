/**
 * `ck.onnx.toOnnx` as the main entry exports it: the exporter (graph builder and per-op emitters) is a chunk of
 * its own that the first call loads, so pages that never export do not download it. toOnnx was asynchronous
 * already, so its callers see no difference.
 */
import type { Module } from '../../nn/module.js';
import type { Tensor } from '../../core/tensor.js';
import type { ToOnnxOptions } from './export.js';
import { checkArity } from './arity.js';

/**
 * Exports `model` (run once in eval mode on `exampleInput`) as ONNX bytes: IR version 8, the chosen opset,
 * dim 0 symbolic ('batch') unless `dynamicBatch: false`. The model's train/eval mode is restored afterwards.
 */
export async function toOnnx(model: Module, exampleInput: Tensor | Tensor[], opts: ToOnnxOptions = {}): Promise<Uint8Array> {
  checkArity('toOnnx', arguments.length, ['model', 'exampleInput', 'options']);
  return (await import('./export.js')).toOnnx(model, exampleInput, opts);
}
