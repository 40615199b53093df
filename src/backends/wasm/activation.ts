/**
 * Activation gradients on WebAssembly SIMD for large float32 tensors: both operands copied in, one pass of
 * bit selects or multiplies, the result copied out. Small tensors and float64 take the reference loops.
 */
import { numel } from '../../core/shape.js';
import type { ActivationGrad, AllKernels } from '../backend.js';
import { activationBackward as referenceActivationBackward } from '../reference/activation.js';
import { storageOf } from '../reference/strided.js';
import { WASM_MIN_ELEMENTS } from './elementwise.js';
import { placeDense } from './operands.js';
import { output } from './resident-storage.js';
import type { WasmRuntime } from './runtime.js';

export function wasmActivationBackward(rt: WasmRuntime): AllKernels['activationBackward'] {
  return (op: ActivationGrad, grad, saved, param, outDtype) => {
    const n = numel(grad.shape);
    if (grad.dtype !== 'float32' || saved.dtype !== 'float32' || outDtype !== 'float32' || n < WASM_MIN_ELEMENTS) {
      return referenceActivationBackward(op, grad, saved, param, outDtype);
    }
    rt.begin();
    const g = placeDense(rt, grad);
    const s = placeDense(rt, saved);
    const out = rt.alloc(4 * n);
    rt.call(`activation_${op}`, out, g, s, n, param);
    return output(rt, out, n);
  };
}
