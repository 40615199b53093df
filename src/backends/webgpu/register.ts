/**
 * Registers `webgpu` by name only: its kernels (about 53 KB of WGSL and JavaScript, minified) are imported by
 * `ck.ready('webgpu')`, so bundlers that split code put them in a chunk of their own that a page without WebGPU
 * never downloads, and `import * as ck from 'convkit'` stays small.
 */
import { registerLazyBackend } from '../registry.js';

export function registerWebgpuBackend(): void {
  registerLazyBackend('webgpu', async () => (await import('./index.js')).createWebgpuBackend(), { optional: true });
}
