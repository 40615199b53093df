export { Sequential, ModuleList, ModuleDict } from './container.js';
export { Identity, Linear } from './linear.js';
export type { LinearOptions } from './linear.js';
export { Flatten, Unflatten } from './flatten.js';
export type { FlattenOptions } from './flatten.js';
export { ReLU, ReLU6, LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax, Softplus } from './activation.js';
export type { InplaceOption } from './activation.js';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d } from './batchnorm.js';
export type { BatchNormLayerOptions } from './batchnorm.js';
export { Dropout, Dropout1d, Dropout2d, Dropout3d } from './dropout.js';
export type { DropoutLayerOptions } from './dropout.js';
export { L1Loss, MSELoss, SmoothL1Loss, HuberLoss, KLDivLoss, BCELoss, BCEWithLogitsLoss, NLLLoss, CrossEntropyLoss } from './loss.js';
export { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from './conv.js';
export type { ConvLayerOptions, ConvTransposeLayerOptions, PaddingMode } from './conv.js';
export {
  MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d,
  AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool1d, AdaptiveMaxPool2d,
} from './pooling.js';
export type { MaxPoolLayerOptions, MaxPoolResult, AvgPoolLayerOptions } from './pooling.js';
export {
  ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad2d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
  ReplicationPad1d, ReplicationPad2d, ReplicationPad3d,
} from './padding.js';
export { LocalResponseNorm } from './normalization.js';
export type { LocalResponseNormLayerOptions } from './normalization.js';
export { LayerNorm, GroupNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from './norm-layers.js';
export { PReLU, Hardswish, Hardsigmoid, Mish } from './more-activations.js';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle, PixelUnshuffle } from './resampling.js';
export { Embedding } from './embedding.js';
