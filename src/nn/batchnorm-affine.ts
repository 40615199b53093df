/** BatchNorm's inference affine, kept apart from batchnorm.ts so that `F` (which re-exports that file) does not publish it. */
import type { Tensor } from '../core/tensor.js';
import { add, mul, rsqrt, sub } from '../ops/index.js';

/**
 * BatchNorm in inference as one per-channel affine x·scale + shift, as PyTorch's CPU kernel computes it:
 * scale = w / sqrt(var + eps), shift = b − mean·scale (ck.fuse hands these to a convolution's epilogue).
 */
export function batchNormInferenceAffine(
  runningMean: Tensor, runningVar: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number,
): { scale: Tensor; shift: Tensor } {
  const inv = rsqrt(add(runningVar, eps));
  const scale = weight ? mul(inv, weight) : inv;
  return { scale, shift: sub(bias ?? 0, mul(runningMean, scale)) };
}
