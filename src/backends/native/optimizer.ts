/**
 * The optimisers' updates in one native pass per parameter (native/src/optimizer.cc), where the op sequence of
 * src/optim runs about a dozen elementwise kernels per parameter per step, each allocating its result. The
 * scalars are the op sequence's, in the order native/src/optimizer.h lists them; the products and sums are
 * rounded as the ops round them, so both paths give the same parameters bit for bit.
 */
import type { OptimizerUpdate, View } from '../backend.js';
import { contiguousData, isContiguous, writeStrided } from '../reference/strided.js';
import type { FloatArray, NativeAddon } from './addon.js';

const KIND = { sgd: 0, adam: 1, rmsprop: 2, adagrad: 3 } as const;
const FLAG = { maximize: 1, nesterov: 2, firstStep: 4, amsgrad: 8, centered: 16, decoupled: 32, momentum: 64, weightDecay: 128 } as const;

/** The flags and scalars native/src/optimizer.h reads for one update. */
export function encodeUpdate(u: OptimizerUpdate): { kind: number; flags: number; scalars: Float64Array } {
  let flags = (u.maximize ? FLAG.maximize : 0) | (u.weightDecay !== 0 ? FLAG.weightDecay : 0);
  let scalars: number[];
  if (u.kind === 'sgd') {
    flags |= (u.momentum !== 0 ? FLAG.momentum : 0) | (u.nesterov ? FLAG.nesterov : 0) | (u.firstStep ? FLAG.firstStep : 0);
    scalars = [u.weightDecay, u.momentum, 1 - u.dampening, -u.lr];
  } else if (u.kind === 'adam') {
    flags |= (u.amsgrad ? FLAG.amsgrad : 0) | (u.decay !== null ? FLAG.decoupled : 0);
    scalars = [u.weightDecay, u.beta1, 1 - u.beta1, u.beta2, 1 - u.beta2, -u.stepSize, u.bias2Sqrt, u.eps, u.decay ?? 1];
  } else if (u.kind === 'rmsprop') {
    flags |= (u.momentum > 0 ? FLAG.momentum : 0) | (u.centered ? FLAG.centered : 0);
    scalars = [u.weightDecay, u.alpha, 1 - u.alpha, u.eps, u.momentum, -u.lr];
  } else {
    scalars = [u.weightDecay, -u.lr, u.eps];
  }
  const padded = new Float64Array(9);
  padded.set(scalars);
  return { kind: KIND[u.kind], flags, scalars: padded };
}

export function nativeOptimizerStep(addon: NativeAddon, syncThreads: () => void) {
  return {
    optimizerStep(update: OptimizerUpdate, param: View, grad: View, state: readonly View[]): void {
      const op = `optimizerStep (${update.kind})`;
      if (param.dtype !== 'float32' && param.dtype !== 'float64') throw new TypeError(`${op}: expected a float32 or float64 parameter on native, got ${param.dtype}`);
      syncThreads();
      // a strided parameter or state is updated in a dense copy and written back
      const written = [param, ...state];
      const arrays = written.map((v) => contiguousData(v) as FloatArray);
      const { kind, flags, scalars } = encodeUpdate(update);
      addon.optimizerStep(kind, flags, scalars, arrays[0], contiguousData(grad) as FloatArray, arrays.slice(1));
      written.forEach((v, i) => {
        if (!isContiguous(v.shape, v.strides)) writeStrided(v, arrays[i], false);
      });
    },
  };
}
