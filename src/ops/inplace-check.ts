import { isGradEnabled } from '../core/autograd.js';
import type { Tensor } from '../core/tensor.js';
import { bumpVersion } from '../core/version.js';

/**
 * In-place updates write through the tensor's view into its storage. They are not recorded by autograd,
 * so they are refused on tensors that take part in it while recording is on (wrap optimiser-style
 * updates in `noGrad`), as PyTorch refuses in-place changes to leaves that require grad. Every in-place op
 * calls this just before it writes, so this is also where the storage's version moves on (caches keyed on
 * the old version, such as reordered weights, go stale).
 */
export function checkInplace(x: Tensor, op: string): void {
  if (isGradEnabled() && x.requiresGrad) {
    throw new Error(`${op}: a tensor that requires grad cannot be modified in place while gradients are recorded; use ck.noGrad(() => ...)`);
  }
  bumpVersion(x.storage);
}
