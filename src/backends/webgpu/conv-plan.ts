/**
 * Which kernel runs each convolution on webgpu, decided in one place (tested as a table in conv-plan.test.ts).
 * Implicit GEMM fills 32×32 output tiles with K-deep products: it wants at least 16 channels per group on the
 * side that becomes M and at least 16 products per output. Below that a direct loop per output wastes nothing.
 * The weight gradient reduces over every image and position (K = N·oD·oH·oW, tens of thousands) into a small
 * matrix: without splitting K, a handful of workgroups would do all the work one after another.
 * A software adapter (SwiftShader: the GPU emulated on the CPU's cores) gets direct loops everywhere: there,
 * workgroup memory is ordinary memory and every barrier switches between fibres, so tiles cost more than they
 * save (LeNet-5's training step ran 3× faster on direct loops than on tiles, docs/webgpu.md).
 */
import { numel } from '../../core/shape.js';
import type { ConvGeometry } from '../conv-kernels.js';

export type ConvPath = 'gemm' | 'direct';

export interface ConvPlan {
  forward: ConvPath;
  inputGrad: ConvPath;
  weightGrad: ConvPath;
  /**
   * The weight gradient's split into partial sums, added afterwards: for 'gemm' K in `splits` chunks of `chunk`
   * (a multiple of 16); for 'direct' the images in `splits` chunks of `chunk` images.
   */
  splits: number;
  chunk: number;
}

const MIN_SIDE = 16;
const MAX_SPLITS = 32;
const MIN_CHUNK = 512;
/** Direct dW: enough invocations (weights × image chunks) to keep the emulating CPU's threads busy. */
const DIRECT_INVOCATIONS = 4096;

export function planConv(batch: number, C: number, O: number, g: ConvGeometry, software = false): ConvPlan {
  const kvol = numel(g.kernelSize);
  const [Cg, Og] = [C / g.groups, O / g.groups];
  if (software) {
    const chunk = Math.ceil(batch / Math.min(batch, Math.ceil(DIRECT_INVOCATIONS / (O * Cg * kvol))));
    return { forward: 'direct', inputGrad: 'direct', weightGrad: 'direct', splits: Math.ceil(batch / chunk), chunk };
  }
  const K = batch * numel(g.outSize);
  const chunk = Math.ceil(Math.max(MIN_CHUNK, Math.ceil(K / MAX_SPLITS)) / 16) * 16;
  return {
    forward: Og < MIN_SIDE || Cg * kvol < MIN_SIDE ? 'direct' : 'gemm',
    inputGrad: Cg < MIN_SIDE || Og * kvol < MIN_SIDE ? 'direct' : 'gemm',
    weightGrad: 'gemm',
    splits: Math.max(1, Math.ceil(K / chunk)),
    chunk,
  };
}
