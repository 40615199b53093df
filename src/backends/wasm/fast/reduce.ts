/**
 * float32 sums over any dims without materialising a permuted copy: the input is walked in its own order and
 * each row added into a float64 accumulator at the kept coordinates (reduced dims have output stride 0), the
 * same double-precision sum the reference kernel keeps, rounded to float32 once at the end.
 */
import type { DType } from '../../../core/dtype.js';
import { contiguousStrides, numel } from '../../../core/shape.js';
import type { Kernels, ReduceOp, Storage, View } from '../../backend.js';
import { referenceKernels } from '../../reference/index.js';
import { cpuData, storageOf } from '../../reference/strided.js';
import { coalesce, forEachRow } from './rows.js';

function reduce(op: ReduceOp, v: View, dims: readonly number[], outDtype: DType): Storage {
  if (op !== 'sum' || v.dtype !== 'float32' || outDtype !== 'float32') return referenceKernels.reduce(op, v, dims, outDtype);
  const kept = v.shape.filter((_, d) => !dims.includes(d));
  const keptStrides = contiguousStrides(kept);
  let k = 0;
  const outStrides = v.shape.map((_, d) => (dims.includes(d) ? 0 : keptStrides[k++]));
  const acc = new Float64Array(numel(kept));
  const x = cpuData(v.storage);
  const walk = coalesce(v.shape, [v.strides, outStrides]);
  const xs = walk.strides[0][walk.strides[0].length - 1];
  const os = walk.strides[1][walk.strides[1].length - 1];
  forEachRow(walk, [v.offset, 0], (at, n) => {
    const [xi, oi] = at;
    if (os === 0) {
      let s = 0;
      for (let j = 0; j < n; j++) s += x[xi + j * xs];
      acc[oi] += s;
    } else {
      for (let j = 0; j < n; j++) acc[oi + j * os] += x[xi + j * xs];
    }
  });
  return storageOf(Float32Array.from(acc), 'float32');
}

export const fastReduce: Pick<Kernels, 'reduce'> = { reduce };
