/** Models exported at every supported opset for the checker (tools/check_onnx_exports.py) and export-opsets.test.ts. */
import * as ck from '../../../src/index.js';
import type { Module } from '../../../src/nn/module.js';
import { LAYER_MODELS } from './layers.js';

export const OPSET_CASES: (readonly [string, () => Module, number[], number])[] = [13, 14, 15, 16, 17].flatMap((opset) => [
  [`lenet5 (relu, max-pool)`, () => ck.models.lenet5({ activation: 'relu', pool: 'max' }), [2, 1, 32, 32], opset] as const,
  ...LAYER_MODELS.map(([name, make, shape]) => [name, make, shape, opset] as const),
]);
