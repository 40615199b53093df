/** The functional convolution, pooling and padding API; re-exported as ck.nn.functional. */
export { conv1d, conv2d, conv3d } from './conv.js';
export type { ConvOptions } from './conv.js';
export { convTranspose1d, convTranspose2d, convTranspose3d } from './conv-transpose.js';
export type { ConvTransposeOptions } from './conv-transpose.js';
export { maxPool1d, maxPool2d, maxPool3d, avgPool1d, avgPool2d, avgPool3d } from './pooling.js';
export type { MaxPoolOptions, AvgPoolOptions, MaxPoolFn } from './pooling.js';
export { adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d, adaptiveMaxPool1d, adaptiveMaxPool2d } from './adaptive-pooling.js';
export type { AdaptiveSize, AdaptiveMaxPoolOptions } from './adaptive-pooling.js';
export { pad } from './pad.js';
export type { PadMode, PadOptions } from './pad.js';
export { unfold, fold } from './fold.js';
export type { FoldOptions } from './fold.js';
export { localResponseNorm } from './lrn.js';
export type { LocalResponseNormOptions } from './lrn.js';
export type { IntOrTuple, PaddingSpec } from './padding-rules.js';
export { interpolate, pixelShuffle, pixelUnshuffle } from './interpolate.js';
export type { InterpolateMode } from './interpolate.js';
