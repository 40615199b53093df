/** torch.autograd as `ck.autograd`: functional gradients, gradcheck, and Function for custom differentiable ops. */
export { grad, gradcheck, Function, FunctionCtx } from './ops/index.js';
export type { GradOptions, GradcheckOptions } from './ops/index.js';
