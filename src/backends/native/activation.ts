/**
 * ReLU and its gradient (native/src/activation.cc): one pass each on the tensors' arrays, where the wasm kernels
 * copy both operands into WebAssembly memory and the result back. Other activations, and other dtypes, run the
 * wasm kernels.
 */
import { numel } from '../../core/shape.js';
import type { AllKernels } from '../backend.js';
import { contiguousData, storageOf } from '../reference/strided.js';
import type { NativeAddon } from './addon.js';

type ActivationKernels = Pick<AllKernels, 'unary' | 'activationBackward'>;

export function nativeActivation(addon: NativeAddon, base: AllKernels, syncThreads: () => void): ActivationKernels {
  return {
    unary(op, x, outDtype) {
      if (op !== 'relu' || x.dtype !== 'float32' || outDtype !== 'float32') return base.unary(op, x, outDtype);
      syncThreads();
      const y = new Float32Array(numel(x.shape));
      addon.relu(contiguousData(x) as Float32Array, y);
      return storageOf(y, 'float32');
    },
    activationBackward(op, grad, saved, param, outDtype) {
      if (op !== 'threshold' || grad.dtype !== 'float32' || saved.dtype !== 'float32' || outDtype !== 'float32') {
        return base.activationBackward(op, grad, saved, param, outDtype);
      }
      syncThreads();
      const out = new Float32Array(numel(grad.shape));
      // the threshold in float32, as PyTorch converts its scalar to the tensor's type
      addon.thresholdBackward(contiguousData(grad) as Float32Array, contiguousData(saved) as Float32Array, Math.fround(param), out);
      return storageOf(out, 'float32');
    },
  };
}
