/** The running statistics' buffers that BatchNorm and InstanceNorm share, as PyTorch's _NormBase registers them. */
import { zeros, ones } from '../../ops/index.js';
import type { Module } from '../module.js';

/**
 * Registers running_mean (zeros), running_var (ones) and num_batches_tracked on `m`. The counter is int64 in
 * PyTorch; convkit has no int64, and a batch count fits in int32. InstanceNorm registers it too but never counts.
 */
export function registerRunningStats(m: Module, numFeatures: number): void {
  m.registerBuffer('running_mean', zeros([numFeatures]));
  m.registerBuffer('running_var', ones([numFeatures]));
  m.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int32' }));
}
