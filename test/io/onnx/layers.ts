/** User models built from the layers, covering what the exporter and importer map (shared by the ONNX tests). */
import * as ck from '../../../src/index.js';
import type { Module } from '../../../src/nn/module.js';

const { nn } = ck;

/** Adds a shortcut: x + body(x). */
class Residual extends nn.Module {
  constructor(readonly body: Module) {
    super();
  }
  forward(x: ck.Tensor): ck.Tensor {
    return ck.add(x, this.body.forward(x) as ck.Tensor);
  }
}

/** Two branches joined along channels. */
class Branches extends nn.Module {
  constructor(readonly a: Module, readonly b: Module) {
    super();
  }
  forward(x: ck.Tensor): ck.Tensor {
    return ck.cat([this.a.forward(x) as ck.Tensor, this.b.forward(x) as ck.Tensor], 1);
  }
}

export const LAYER_MODELS: [string, () => Module, number[]][] = [
  ['Conv2d with every padding mode, ceil-mode pooling, LeakyReLU, Softmax', () => new nn.Sequential(
    new nn.Conv2d(3, 4, 3, { padding: 1, paddingMode: 'reflect' }), new nn.LeakyReLU({ negativeSlope: 0.1 }),
    new nn.Conv2d(4, 4, 3, { padding: 1, paddingMode: 'replicate' }), new nn.ReLU6(),
    new nn.Conv2d(4, 4, 3, { padding: 2, paddingMode: 'circular', dilation: 2 }), new nn.Tanh(),
    new nn.Conv2d(4, 6, 3, { padding: 'same', groups: 2 }), new nn.Sigmoid(),
    new nn.MaxPool2d(3, { stride: 2, ceilMode: true }), new nn.AvgPool2d(2, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    new nn.Flatten(), new nn.Dropout({ p: 0.3 }), new nn.Linear(6 * 3 * 3, 5), new nn.Softmax(1),
  ), [2, 3, 11, 11]],
  ['Conv1d (circular), BatchNorm1d, AdaptiveAvgPool1d', () => new nn.Sequential(
    new nn.Conv1d(2, 4, 3, { padding: 1, paddingMode: 'circular' }), new nn.BatchNorm1d(4), new nn.ReLU(),
    new nn.Conv1d(4, 4, 5, { stride: 2, padding: 'valid' }), new nn.AdaptiveAvgPool1d(2), new nn.Flatten(), new nn.Linear(8, 3),
  ), [3, 2, 20]],
  ['Conv3d, BatchNorm3d, MaxPool3d, AdaptiveMaxPool via global pooling', () => new nn.Sequential(
    new nn.Conv3d(1, 3, 3, { padding: 1 }), new nn.BatchNorm3d(3), new nn.ELU(), new nn.MaxPool3d(2), new nn.AvgPool3d(2),
    new nn.Flatten(), new nn.Linear(3 * 2 * 2 * 2, 2),
  ), [2, 1, 8, 8, 8]],
  ['ConvTranspose2d with output padding, LRN, residual add, concatenation', () => new nn.Sequential(
    new nn.Conv2d(2, 4, 3, { stride: 2, padding: 1 }), new nn.LocalResponseNorm(3),
    new nn.ConvTranspose2d(4, 3, 3, { stride: 2, padding: 1, outputPadding: 1 }),
    new Residual(new nn.Sequential(new nn.Conv2d(3, 3, 1), new nn.BatchNorm2d(3))),
    new Branches(new nn.Conv2d(3, 2, 1), new nn.MaxPool2d(3, { stride: 1, padding: 1 })),
    new nn.AdaptiveMaxPool2d(1), new nn.Flatten(), new nn.Linear(5, 4), new nn.LogSoftmax(1),
  ), [2, 2, 8, 8]],
];
