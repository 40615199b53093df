/**
 * The native kernels a training step adds to the inference ones: ReLU and its gradient, max pooling and its gradient, bias gradients' sums,
 * BatchNorm's reductions, and the optimisers' one-pass updates.
 */
import type { AllKernels, OptionalKernels } from '../backend.js';
import type { NativeAddon } from './addon.js';
import { nativeActivation } from './activation.js';
import { nativeBatchNorm } from './batchnorm.js';
import { nativeOptimizerStep } from './optimizer.js';
import { nativePooling } from './pooling.js';
import { nativeReduce } from './reduce.js';

export type TrainingKernels = Pick<AllKernels, 'unary' | 'activationBackward' | 'maxPool' | 'maxPoolBackward' | 'reduce'>
  & Pick<OptionalKernels, 'optimizerStep' | 'batchNormStatistics' | 'batchNormBackwardSums'>;

export function nativeTrainingKernels(addon: NativeAddon, base: AllKernels, syncThreads: () => void): TrainingKernels {
  return {
    ...nativeActivation(addon, base, syncThreads),
    ...nativePooling(addon, base, syncThreads),
    ...nativeReduce(addon, base, syncThreads),
    ...nativeBatchNorm(addon, syncThreads),
    ...nativeOptimizerStep(addon, syncThreads),
  };
}
