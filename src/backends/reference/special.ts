import { allocArray, type DType } from '../../core/dtype.js';
import { erf as erfScalar } from '../../core/erf.js';
import type { Storage, View } from '../backend.js';
import { contiguousData, storageOf } from './strided.js';

export function erf(x: View, outDtype: DType): Storage {
  const src = contiguousData(x);
  const out = allocArray(outDtype, src.length);
  for (let i = 0; i < src.length; i++) out[i] = erfScalar(src[i]);
  return storageOf(out, outDtype);
}
