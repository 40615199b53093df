/** The activation gradients the WebAssembly module exports as activation_<op>; tools/wasm/wat/activation.ts generates them. */
import type { ActivationGrad } from '../backend.js';

export type { ActivationGrad };
export const ACTIVATION_GRADS: readonly ActivationGrad[] = ['threshold', 'leakyRelu', 'sigmoid', 'tanh'];
