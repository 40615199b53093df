/** The model behind `--weights`: a zoo model with a safetensors file loaded, or an ONNX file imported. */
import { load } from '../io/files.js';
import { loadOnnx } from '../io/onnx/node.js';
import type { Module } from '../nn/module.js';
import { UsageError } from './args.js';
import { buildModel, findModel } from './zoo.js';

export const isOnnxFile = (path: string): boolean => path.toLowerCase().endsWith('.onnx');

/** What the model and its input pipeline need: the module and the image side it expects. */
export async function trainedModel(command: string, weights: string, config: { model: string; modelOptions?: Record<string, unknown> }, channels: number, classes: number): Promise<{ model: Module; side: number }> {
  if (!isOnnxFile(weights)) {
    const entry = findModel(config.model);
    const model = buildModel(entry, channels, classes, config.modelOptions ?? {});
    load(model, weights);
    return { model, side: entry.side };
  }
  const model = await loadOnnx(weights);
  const dims = model.inputDims[0] ?? [];
  if (model.inputNames.length !== 1 || dims.length !== 4) {
    throw new UsageError(`convkit ${command}: ${weights} must take one image batch [N, C, H, W]; its inputs are ${model.inputNames.map((n, i) => `${n} [${model.inputDims[i].join(', ')}]`).join(', ')}`);
  }
  const [, c, h, w] = dims;
  if (typeof c === 'number' && c !== channels) throw new UsageError(`convkit ${command}: ${weights} takes ${c}-channel images, the data set has ${channels}`);
  if (typeof h !== 'number' || h !== w) throw new UsageError(`convkit ${command}: ${weights} must declare a fixed square image size, got [${dims.join(', ')}]`);
  return { model, side: h };
}
