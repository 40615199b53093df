/** torch.optim as `ck.optim`: optimisers, `lrScheduler`, and early stopping. */
export { Optimizer } from './optimizer.js';
export type { OptimizerOptions, ParamGroup, ParamGroupInput, ParamState, OptimizerStateDict } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions } from './adam.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
export { Adagrad } from './adagrad.js';
export type { AdagradOptions } from './adagrad.js';
export { EarlyStopping } from './early-stopping.js';
export type { EarlyStoppingOptions } from './early-stopping.js';
export * as lrScheduler from './lr-scheduler/index.js';
