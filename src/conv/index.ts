/** The lecture's formulas as code, exported as ck.conv: sizes, 'same' padding, the Toeplitz view, classic kernels. */
export { outputSize, samePadding } from './sizes.js';
export type { OutputSizeOptions } from './sizes.js';
export { toMatrix } from './toeplitz.js';
export type { ToMatrixOptions } from './toeplitz.js';
export { foldAvgPoolIntoConv } from './fold-pool.js';
export type { FoldAvgPoolOptions } from './fold-pool.js';
export { edgeDetection, sharpen, boxBlur, gaussianBlur } from './kernels.js';
