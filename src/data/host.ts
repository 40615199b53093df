/**
 * The per-sample path of a data pipeline moves small arrays between JavaScript and tensors many thousand
 * times an epoch; these two helpers skip the copies `ck.tensor` and `dataSync` make for safety.
 */
import { CpuStorage } from '../backends/backend.js';
import { backendOf, hostDevice, readsSync } from '../backends/registry.js';
import type { DType, TypedArray } from '../core/dtype.js';
import type { Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { wrap } from '../ops/dispatch.js';

/** A tensor over `data` on the host device, which the caller hands over and must not touch afterwards. */
export function hostTensor(data: TypedArray, shape: Shape, dtype: DType): Tensor {
  return wrap(backendOf(hostDevice()).fromHost(data, dtype), shape, dtype);
}

/** The elements of a tensor in CPU memory, without copying when it is dense: read them, never write. */
export function hostData(t: Tensor): TypedArray {
  const n = t.numel();
  if (!readsSync(t.device)) throw new Error(`data pipeline: a ${t.device} tensor reached a host-side step (transform, collate); keep samples on the CPU and let training move batches`);
  if (t.storage instanceof CpuStorage && t.isContiguous()) return t.storage.data.subarray(t.offset, t.offset + n);
  return t.dataSync();
}
