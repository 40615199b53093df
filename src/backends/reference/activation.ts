/** Activation gradients (src/ops/activation-backward.ts), one plain loop per op over row-major data. */
import { allocArray, type DType, type TypedArray } from '../../core/dtype.js';
import type { ActivationGrad, Storage, View } from '../backend.js';
import { contiguousData, storageOf } from './strided.js';

type Loop = (o: TypedArray, g: TypedArray, s: TypedArray, p: number) => void;

const LOOPS: Record<ActivationGrad, Loop> = {
  // NaN in s compares false and passes g; an infinite g where s <= p still gives 0 (no inf·0)
  threshold: (o, g, s, p) => { for (let i = 0; i < o.length; i++) o[i] = s[i] <= p ? 0 : g[i]; },
  leakyRelu: (o, g, s, p) => { for (let i = 0; i < o.length; i++) o[i] = s[i] > 0 ? g[i] : g[i] * p; },
  sigmoid: (o, g, s) => { for (let i = 0; i < o.length; i++) o[i] = g[i] * (1 - s[i]) * s[i]; },
  tanh: (o, g, s) => { for (let i = 0; i < o.length; i++) o[i] = g[i] * (1 - s[i] * s[i]); },
};

export function activationBackward(op: ActivationGrad, grad: View, saved: View, param: number, outDtype: DType): Storage {
  const g = contiguousData(grad);
  const out = allocArray(outDtype, g.length);
  // the parameter in the tensors' precision, as PyTorch converts its scalar to scalar_t
  LOOPS[op](out, g, contiguousData(saved), outDtype === 'float32' ? Math.fround(param) : param);
  return storageOf(out, outDtype);
}
