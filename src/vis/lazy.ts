/**
 * `ck.vis.activationMaximization` as the main entry exports it: feature visualisation (its optimiser loop,
 * Fourier parametrisation and transforms) is a chunk of its own that the first call loads. It was asynchronous
 * already, so callers see no difference.
 */
import type { Module } from '../nn/module.js';
import type { ActivationMaximizationOptions, ActivationMaximizationResult } from './activation-max.js';

/** Optimises an input image that maximises a unit's activation (Olah et al.'s feature visualisation). */
export async function activationMaximization(model: Module, opts: ActivationMaximizationOptions): Promise<ActivationMaximizationResult> {
  return (await import('./activation-max.js')).activationMaximization(model, opts);
}
