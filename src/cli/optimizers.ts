/** The optimisers and schedules `convkit train` offers, with their CLI defaults. */
import type { Module } from '../nn/module.js';
import { Adam, AdamW, RMSprop, SGD } from '../optim/index.js';
import { CosineAnnealingLR, OneCycleLR, StepLR } from '../optim/lr-scheduler/index.js';
import type { OptimizerLike, SchedulerLike } from '../train/checkpoint.js';

export const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop'] as const;
export const SCHEDULERS = ['none', 'step', 'cosine', 'onecycle'] as const;

/** The learning rate each optimiser gets unless --lr is given. */
export const DEFAULT_LR: Record<string, number> = { sgd: 0.01, adam: 0.002, adamw: 0.002, rmsprop: 0.001 };

export interface OptimizerChoice {
  name: string;
  lr: number;
  momentum: number;
  weightDecay: number;
}

export function makeOptimizer(model: Module, c: OptimizerChoice): OptimizerLike {
  const params = model.parameters();
  switch (c.name) {
    case 'sgd': return new SGD(params, { lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay });
    case 'adam': return new Adam(params, { lr: c.lr, weightDecay: c.weightDecay });
    case 'adamw': return new AdamW(params, { lr: c.lr, weightDecay: c.weightDecay });
    default: return new RMSprop(params, { lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay });
  }
}

/** step: lr x0.1 every third of the run; cosine: annealed to 0 over the run; onecycle: Smith's 1cycle, stepped per batch. */
export function makeScheduler(name: string, optimizer: OptimizerLike, lr: number, epochs: number, stepsPerEpoch: number): SchedulerLike | undefined {
  const opt = optimizer as SGD;
  switch (name) {
    case 'step': return new StepLR(opt, Math.max(1, Math.floor(epochs / 3)), { gamma: 0.1 });
    case 'cosine': return new CosineAnnealingLR(opt, epochs);
    case 'onecycle': return new OneCycleLR(opt, lr, { epochs, stepsPerEpoch });
    default: return undefined;
  }
}
