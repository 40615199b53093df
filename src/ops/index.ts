/** The ops layer: loading it attaches Tensor methods and connects the autograd engine. */
import './methods.js';
import './methods-more.js';
export * from './creation.js';
export * from './elementwise.js';
export * from './reduce.js';
export * from './views.js';
export * from './indexing.js';
export * from './matmul.js';
// linear.ts's linearRelu is ck.fuse's, not a public op
export { linear } from './linear.js';
export * from './inplace.js';
export * from './special.js';
export * from './channel-affine.js';
export * from './sorting.js';
export * from './masked.js';
// the function form that also takes index tensors and masks (views.ts has the basic one)
export { index } from './masked.js';
export * from './rearrange.js';
export * from './norm.js';
export { einsum } from './einsum.js';
export { grad, gradcheck } from './autograd-api.js';
export { Function, FunctionCtx } from './autograd-function.js';
export type { GradOptions, GradcheckOptions } from './autograd-api.js';
export type { TensorOrScalar } from './dispatch.js';
