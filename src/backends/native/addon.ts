/**
 * Loads the oneDNN addon (native/src, built by `npm run build:native` or at install when libdnnl-dev is present).
 * Only Node can load it; everywhere else, and where it was not built, `load` explains how to get it.
 */
import { isNode, nodeBuiltin } from '../platform.js';

/** The element types the training kernels take (float32, or float64 where the kernel says so). */
export type FloatArray = Float32Array | Float64Array;

/** How an activation array is laid out (native/src/conv_fused.h Layout): plain NCHW or one of oneDNN's unpadded layouts. */
export const Layout = { Plain: 0, Blocked16: 1, Blocked8: 2, ChannelsLast: 3 } as const;
export type Layout = (typeof Layout)[keyof typeof Layout];

export interface NativeAddon {
  /** `packed`: w already in the primitive's layout (convPackWeights); w is then not read. */
  convBackwardData(gy: Float32Array, w: Float32Array, gx: Float32Array, geometry: Int32Array, packed?: Float32Array | null): void;
  /** Floats convBackwardData's weight layout takes; 0 when it reads convkit's OIHW layout as it is. */
  convPackedWeightLength(geometry: Int32Array): number;
  convPackWeights(w: Float32Array, packed: Float32Array, geometry: Int32Array): void;
  /**
   * y = relu?((conv(x, w) + bias)·scale + shift + residual) for inference, x and residual in the layouts given; y is
   * written in the primitive's own layout when `blockedOut` and it is unpadded, else plain. Returns y's layout.
   */
  convFused(
    x: Float32Array, xLayout: Layout, w: Float32Array, packed: Float32Array | null, bias: Float32Array | null,
    scale: Float32Array | null, shift: Float32Array | null, residual: Float32Array | null, residualLayout: Layout,
    y: Float32Array, geometry: Int32Array, relu: boolean, blockedOut: boolean,
  ): Layout;
  /** convPackedWeightLength for the fused primitive whose operands `flags` names (fusedFlags). */
  convFusedPackedWeightLength(geometry: Int32Array, flags: number): number;
  convFusedPackWeights(w: Float32Array, packed: Float32Array, geometry: Int32Array, flags: number): void;
  /** An [n, c, h, w] activation in `layout` copied into plain NCHW. */
  toPlain(src: Float32Array, dst: Float32Array, n: number, c: number, h: number, w: number, layout: Layout): void;
  convBackwardWeights(x: Float32Array, gy: Float32Array, gw: Float32Array, geometry: Int32Array): void;
  /** C[cOffset..] = op(A)·op(B) + beta·C, row-major, leading dimensions in elements. */
  sgemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: Float32Array, aOffset: number, lda: number, b: Float32Array, bOffset: number, ldb: number,
    c: Float32Array, cOffset: number, ldc: number, beta: number,
  ): void;
  /** y = relu?(x·scale[c] + shift[c] + residual) over rows = N·C rows of `inner` elements, c = row mod channels. */
  channelAffine(
    x: Float32Array, scale: Float32Array, shift: Float32Array | null, residual: Float32Array | null, y: Float32Array,
    rows: number, channels: number, inner: number, relu: boolean,
  ): void;
  /** x ← alpha·x + beta·y over x's length, in place; y is x or does not overlap it. */
  scaleAdd(x: Float32Array, alpha: number, y: Float32Array, beta: number): void;
  /** One optimiser step in place (native/src/optimizer.h): kind 0 sgd, 1 adam, 2 rmsprop, 3 adagrad; flags and 9 scalars. */
  optimizerStep(kind: number, flags: number, scalars: Float64Array, param: FloatArray, grad: FloatArray, state: FloatArray[]): void;
  /** shape: [planes, in×3, out×3, step×3]; then the windows' starts and sizes per dim (src/backends/conv-kernels.ts PoolWindows). */
  maxPool(x: Float32Array, y: Float32Array, indices: Int32Array, shape: Int32Array, ...windows: Int32Array[]): void;
  /** gx (zero on entry) += gy at indices, per plane; throws on an index outside its plane. */
  maxPoolBackward(gy: Float32Array, indices: Int32Array, gx: Float32Array, planes: number, planeIn: number, planeOut: number): void;
  relu(x: Float32Array, y: Float32Array): void;
  /** out = saved <= threshold ? 0 : g. */
  thresholdBackward(g: Float32Array, saved: Float32Array, threshold: number, out: Float32Array): void;
  /** Per channel of x [batch, channels, inner]: the mean and biased variance, into mean and var. */
  batchNormStatistics(x: FloatArray, batch: number, channels: number, inner: number, mean: FloatArray, variance: FloatArray): void;
  /** Per channel: Σ gy and Σ gy·(x − mean[c]). */
  batchNormBackwardSums(gy: FloatArray, x: FloatArray, mean: FloatArray, batch: number, channels: number, inner: number, sumGy: FloatArray, sumGyCentred: FloatArray): void;
  /** Per channel of x [batch, channels, inner]: Σ over batch and inner, into out (float32, accumulated in double). */
  channelSum(x: Float32Array, batch: number, channels: number, inner: number, out: Float32Array): void;
  setNumThreads(n: number): void;
  /** The OpenMP thread count oneDNN's next primitive runs on. */
  numThreads(): number;
  version(): string;
}

export const INSTALL_HINT =
  "the native backend needs oneDNN and a build of convkit's addon: `apt-get install libdnnl-dev` (Debian/Ubuntu), then `npm run build:native`";

/** Where node-gyp puts the addon, from this file's place in src/ or dist/ (both two folders below the package root). */
const ADDON_PATH = '../../../native/build/Release/convkit_native.node';

export function loadAddon(): NativeAddon {
  if (!isNode) throw new Error('ready: the native backend runs only in Node; in the browser use wasm or webgpu');
  const { createRequire } = nodeBuiltin<{ createRequire: (url: string) => (id: string) => unknown }>('module')!;
  // OpenMP reads its settings when the addon loads it. Idle OpenMP threads spin by default, which starves the wasm
  // workers that run the other kernels on the same cores; waiting passively costs a few microseconds per conv.
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process!.env;
  env.OMP_WAIT_POLICY ??= 'PASSIVE';
  try {
    return createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
  } catch (e) {
    throw new Error(`ready: cannot load the native backend (${(e as Error).message.split('\n')[0]}); ${INSTALL_HINT}`);
  }
}
