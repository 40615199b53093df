/**
 * argsort by native numeric sorting: each element becomes one float64 key, its value's order-preserving
 * 32-bit code times 2^21 plus its position, so `Float64Array.prototype.sort` (no comparator) orders by value
 * and then by position, which is the reference kernel's stable order. Lines longer than 2^21 and float64
 * inputs (whose order needs more than 32 bits) take the reference kernel.
 */
import { numel } from '../../../core/shape.js';
import type { Storage, View } from '../../backend.js';
import { argsort as referenceArgsort } from '../../reference/sort.js';
import { contiguousData, storageOf } from '../../reference/strided.js';

const POSITION_BITS = 2 ** 21;
const bits = new Float32Array(1);
const asUint = new Uint32Array(bits.buffer);

/** A uint32 whose unsigned order is the value's order: NaN highest, -0 equal to +0, as the reference compares. */
function orderCode(v: number, dtype: string): number {
  if (dtype !== 'float32') return (v + 2 ** 31) >>> 0;
  if (Number.isNaN(v)) return 0xffffffff;
  bits[0] = v === 0 ? 0 : v;
  const u = asUint[0];
  return (u & 0x80000000 ? ~u : u | 0x80000000) >>> 0;
}

export function fastArgsort(x: View, dim: number, descending: boolean): Storage {
  const size = x.shape[dim] ?? 1;
  if (x.dtype === 'float64' || size >= POSITION_BITS) return referenceArgsort(x, dim, descending);
  const src = contiguousData(x);
  const inner = numel(x.shape.slice(dim + 1));
  const outer = numel(x.shape.slice(0, dim));
  const out = new Int32Array(src.length);
  const keys = new Float64Array(size);
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < inner; r++) {
      const base = o * size * inner + r;
      for (let i = 0; i < size; i++) {
        const code = orderCode(src[base + i * inner], x.dtype);
        // descending: the complement reverses the value order while positions still break ties upwards
        keys[i] = (descending ? 0xffffffff - code : code) * POSITION_BITS + i;
      }
      keys.sort();
      for (let i = 0; i < size; i++) out[base + i * inner] = keys[i] % POSITION_BITS;
    }
  }
  return storageOf(out, 'int32');
}
