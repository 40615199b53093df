/** torch.nn.functional as `ck.nn.functional` (usually imported as F): the stateless forms of the layers. */
export { linear } from '../ops/index.js';
export * from './activation.js';
export * from './dropout.js';
export * from './batchnorm.js';
export * from './losses.js';
export * from '../ops/conv/index.js';
export * from './normalization.js';
export * from './more-activations.js';
export { embedding } from './embedding.js';
export { oneHot, normalize } from '../ops/index.js';
