/**
 * convkit's public surface: `import * as ck from 'convkit'`.
 *
 * Each part of the library that loads lazily with import() (the training loop, feature visualisation, the ONNX
 * exporter, the wasm and webgpu backends' JavaScript) imports this entry for its effect. Every module the entry
 * loads then has the same set of importers, so a bundler that splits code by importer sets (esbuild) puts them
 * all in one shared chunk rather than one chunk per combination of lazy parts that use them: a page loads 2 files
 * for this entry instead of 11, and 7 KB less gzip (the chunks' import and export lists). Rollup and Vite merge
 * them anyway. A lazy part loads after the entry, so at run time that import finds it loaded already.
 */
import { referenceBackend } from './backends/reference/index.js';
import { registerBackend } from './backends/registry.js';
import { registerNativeBackend } from './backends/native/index.js';
import { registerWasmBackend } from './backends/wasm/register.js';
import { registerWebgpuBackend } from './backends/webgpu/register.js';

registerBackend(referenceBackend);
registerWasmBackend();
registerNativeBackend();
registerWebgpuBackend();

export { Tensor } from './core/tensor.js';
export type { NestedArray } from './core/tensor.js';
export type { DType, TypedArray } from './core/dtype.js';
export { noGrad, enableGrad, isGradEnabled } from './core/autograd.js';
export { manualSeed, Generator, defaultGenerator } from './core/random.js';
export { printOptions } from './core/format.js';
export { scope, keep, memoryStats } from './core/memory.js';
export type { DeviceMemory } from './core/memory.js';
export { setBackend, getBackend, ready, withBackend, registerBackend, registerLazyBackend, backendNames } from './backends/registry.js';
export { setNumThreads, getNumThreads } from './backends/threads.js';
export type { Backend, Kernels, RequiredKernels, OptionalKernels, Storage, View } from './backends/backend.js';
// every op the ops layer exports, under its own name; `var` is a reserved word in the ops' modules
export * from './ops/index.js';
export { variance as var } from './ops/index.js';
export * as conv from './conv/index.js';

export * as nn from './nn/index.js';
export * as optim from './optim/index.js';

/** torch.autograd's functional entry points, and Function for custom differentiable operations. */
export * as autograd from './autograd.js';
export type { GradHook } from './core/grad-hooks.js';
export { RemovableHandle } from './core/handle.js';
export * as io from './io/index.js';
export * as onnx from './io/onnx/index.js';
export { summary } from './summary/index.js';
export type { Summary, SummaryRow, SummaryOptions } from './summary/index.js';
export * as models from './models/index.js';
export { fuse } from './models/fuse.js';
export * as data from './data/index.js';
export * as train from './train/index.js';
export * as vis from './vis/index.js';
