/**
 * The `linear` kernel on the WebAssembly GEMM: the output rows are filled with the bias and the product is
 * accumulated onto them, so the bias costs no extra pass or array. The weight is read through transposed
 * strides from its copy in WebAssembly memory, made once per weight version (weight-cache.ts). Other dtypes
 * take the reference kernel.
 */
import type { DType } from '../../core/dtype.js';
import type { AllKernels, Storage, View } from '../backend.js';
import { linear as referenceLinear, transposedWeight } from '../reference/linear.js';
import { contiguousData, storageOf } from '../reference/strided.js';
import { gemm, gemmScratch, threadsFor } from './matmul.js';
import { place, type Placed } from './operands.js';
import type { WeightCache } from './weight-cache.js';
import { output, residentDense } from './resident-storage.js';
import type { WasmRuntime } from './runtime.js';

export function wasmLinear(rt: WasmRuntime, cache: WeightCache): AllKernels['linear'] {
  /** Wᵀ [k, n] as GEMM's B: the cached dense copy of W read with strides [1, k], else a scratch placement. */
  function weightT(weight: View): Placed {
    const [n, k] = weight.shape;
    if (residentDense(rt, weight) !== null) return place(rt, transposedWeight(weight));
    const ptr = cache.get(weight, 'dense', 4 * n * k, (at) => rt.view(at, n * k).set(contiguousData(weight) as Float32Array));
    return ptr === null ? place(rt, transposedWeight(weight)) : { ptr, strides: [1, k] };
  }

  return (x: View, weight: View, bias: View | null, outDtype: DType): Storage => {
    if (x.dtype !== 'float32' || weight.dtype !== 'float32' || outDtype !== 'float32') return referenceLinear(x, weight, bias, outDtype);
    const [m, k] = x.shape;
    const n = weight.shape[0];
    rt.begin();
    const threads = threadsFor(rt, 2 * m * n * k);
    const pa = place(rt, x);
    const pb = weightT(weight);
    const c = rt.alloc(4 * m * n);
    fillRows(rt.view(c, m * n), bias ? (contiguousData(bias) as Float32Array) : null, n);
    if (k > 0) {
      const scratch = gemmScratch(rt, threads);
      gemm(rt, { batch: 1, m, n, k, a: pa.ptr, aStrides: [0, ...pa.strides], b: pb.ptr, bStrides: [0, ...pb.strides], c, cStrides: [m * n, n], accumulate: true }, scratch);
    }
    return output(rt, c, m * n);
  };
}

/** Every row of c (n wide) set to the bias, or to zero without one; done before any further alloc moves the view. */
function fillRows(c: Float32Array, bias: Float32Array | null, n: number): void {
  if (!bias) return void c.fill(0);
  for (let i = 0; i < c.length; i += n) c.set(bias, i);
}
