/**
 * Learning-rate schedules (torch.optim.lr_scheduler) as `ck.optim.lrScheduler`, with PyTorch 1.13's values
 * epoch by epoch. Call `scheduler.step()` after `optimizer.step()`, once per epoch (per batch for OneCycleLR).
 */
export { LRScheduler } from './base.js';
export type { SchedulerOptions } from './base.js';
export { StepLR, MultiStepLR, ExponentialLR, PolynomialLR } from './decay.js';
export type { StepLROptions, PolynomialLROptions } from './decay.js';
export { ConstantLR, LinearLR } from './warmup.js';
export type { ConstantLROptions, LinearLROptions } from './warmup.js';
export { CosineAnnealingLR, CosineAnnealingWarmRestarts } from './cosine.js';
export type { CosineAnnealingOptions } from './cosine.js';
export { LambdaLR, MultiplicativeLR } from './lambda.js';
export { SequentialLR, ChainedScheduler } from './composite.js';
export { OneCycleLR } from './one-cycle.js';
export type { OneCycleLROptions } from './one-cycle.js';
export { ReduceLROnPlateau } from './plateau.js';
export type { ReduceLROnPlateauOptions } from './plateau.js';
