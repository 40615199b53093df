/**
 * The kernels oneDNN runs for the native backend: convolutions (forward, fused with ck.fuse's epilogues, in
 * conv-forward.ts; both gradients here), matmul and linear,
 * and the addon's in-place elementwise passes (elementwise.ts).
 * Operands are read in place from their typed arrays (a strided view is gathered first, except matrices that are
 * plain transposes, which sgemm reads as they are). Anything else, and anything that is not float32, runs the
 * wasm backend's kernel on the same arrays.
 */
import { numel } from '../../core/shape.js';
import { getNumThreads } from '../threads.js';
import type { AllKernels, OptionalKernels, View } from '../backend.js';
import type { ConvGeometry } from '../conv-kernels.js';
import { cpuData, contiguousData, storageOf } from '../reference/strided.js';
import { REFERENCE_MAX_FLOPS } from '../wasm/conv.js';
import type { NativeAddon } from './addon.js';
import { nativeConvForward } from './conv-forward.js';
import { nativeElementwise } from './elementwise.js';
import { packGeometry } from './geometry.js';
import { packedWeights } from './packed-weights.js';
import { nativeTrainingKernels, type TrainingKernels } from './training.js';

type NativeKernels = Pick<OptionalKernels, 'convChannelAffine'> & Pick<AllKernels, 'conv' | 'convBackwardInput' | 'convBackwardWeight' | 'matmul' | 'linear' | 'channelAffine' | 'scaleAdd_'>
  & TrainingKernels;

const float32 = (...vs: (View | null)[]): boolean => vs.every((v) => v === null || v.dtype === 'float32');
const f32 = (v: View): Float32Array => contiguousData(v) as Float32Array;

/** A matrix operand as sgemm reads it: its array, where it starts, whether transposed and its leading dimension. */
interface Matrix {
  data: Float32Array;
  offset: number;
  trans: boolean;
  ld: number;
  batchStride: number;
}

/** rows × cols at `strides` [batch, row, col]: row-major or a transpose is read in place, anything else is gathered. */
function matrix(v: View, rows: number, cols: number): Matrix {
  const [sb, sr, sc] = v.strides;
  const data = cpuData(v.storage) as Float32Array;
  if (sc === 1 && sr >= Math.max(1, cols)) return { data, offset: v.offset, trans: false, ld: sr, batchStride: sb };
  if (sr === 1 && sc >= Math.max(1, rows)) return { data, offset: v.offset, trans: true, ld: sc, batchStride: sb };
  const dense = f32(v);
  return { data: dense, offset: 0, trans: false, ld: Math.max(1, cols), batchStride: v.shape[0] === 1 ? 0 : rows * cols };
}

export function nativeKernels(addon: NativeAddon, base: AllKernels): NativeKernels {
  let threads = 0;
  /** oneDNN's OpenMP pool follows ck.setNumThreads, checked at every call (a changed count costs one call). */
  const syncThreads = (): void => {
    const n = getNumThreads();
    if (n !== threads) addon.setNumThreads((threads = n));
  };
  const packed = packedWeights(addon);
  const flopsOf = (batch: number, C: number, O: number, g: ConvGeometry): number =>
    2 * batch * O * numel(g.outSize) * (C / g.groups) * numel(g.kernelSize);

  return {
    ...nativeElementwise(addon, base, syncThreads),
    ...nativeTrainingKernels(addon, base, syncThreads),
    ...nativeConvForward(addon, base, packed, syncThreads),
    convBackwardInput(gy, w, g) {
      const [N, O] = gy.shape;
      const C = w.shape[1] * g.groups;
      if (!float32(gy, w) || flopsOf(N, C, O, g) < REFERENCE_MAX_FLOPS || numel(gy.shape) === 0) return base.convBackwardInput(gy, w, g);
      syncThreads();
      const gx = new Float32Array(N * C * numel(g.inSize));
      const geometry = packGeometry(N, C, O, g);
      const wp = f32(w);
      addon.convBackwardData(f32(gy), wp, gx, geometry, packed.getBackwardData(w, wp, geometry));
      return storageOf(gx, 'float32');
    },
    convBackwardWeight(x, gy, g) {
      const [N, C] = x.shape;
      const O = gy.shape[1];
      if (!float32(x, gy) || flopsOf(N, C, O, g) < REFERENCE_MAX_FLOPS || numel(x.shape) === 0) return base.convBackwardWeight(x, gy, g);
      syncThreads();
      const gw = new Float32Array(O * (C / g.groups) * numel(g.kernelSize));
      addon.convBackwardWeights(f32(x), f32(gy), gw, packGeometry(N, C, O, g));
      return storageOf(gw, 'float32');
    },
    matmul(a, b, outDtype) {
      const [B, M, K] = a.shape;
      const N = b.shape[2];
      if (!float32(a, b) || outDtype !== 'float32' || K === 0 || M * N * K < REFERENCE_MAX_FLOPS) return base.matmul(a, b, outDtype);
      syncThreads();
      const out = new Float32Array(B * M * N);
      const A = matrix(a, M, K);
      const Bm = matrix(b, K, N);
      for (let i = 0; i < B; i++) {
        addon.sgemm(A.trans, Bm.trans, M, N, K, A.data, A.offset + i * A.batchStride, A.ld, Bm.data, Bm.offset + i * Bm.batchStride, Bm.ld, out, i * M * N, N, 0);
      }
      return storageOf(out, 'float32');
    },
    linear(x, weight, bias, outDtype) {
      const [M, K] = x.shape;
      const N = weight.shape[0];
      if (!float32(x, weight, bias) || outDtype !== 'float32' || K === 0 || M * N * K < REFERENCE_MAX_FLOPS) return base.linear(x, weight, bias, outDtype);
      syncThreads();
      const out = new Float32Array(M * N);
      if (bias) {
        const bv = f32(bias);
        for (let i = 0; i < M; i++) out.set(bv, i * N);
      }
      const X = matrix({ ...x, shape: [1, M, K], strides: [0, ...x.strides] }, M, K);
      // weight [N,K] read as its transpose [K,N]
      const Wt = matrix({ ...weight, shape: [1, K, N], strides: [0, weight.strides[1], weight.strides[0]] }, K, N);
      addon.sgemm(X.trans, Wt.trans, M, N, K, X.data, X.offset, X.ld, Wt.data, Wt.offset, Wt.ld, out, 0, N, bias ? 1 : 0);
      return storageOf(out, 'float32');
    },
  };
}
