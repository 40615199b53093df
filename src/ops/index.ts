/** The ops layer: loading it attaches Tensor methods and connects the autograd engine. */
import './methods.js';
export * from './creation.js';
export * from './elementwise.js';
export * from './reduce.js';
export * from './views.js';
export * from './indexing.js';
export * from './matmul.js';
export * from './linear.js';
export * from './inplace.js';
export * from './special.js';
export * from './channel-affine.js';
export { grad, gradcheck } from './autograd-api.js';
export type { GradOptions, GradcheckOptions } from './autograd-api.js';
export type { TensorOrScalar } from './dispatch.js';
