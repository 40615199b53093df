/**
 * The wasm backend as a browser registers it (package.json's "browser" map puts this file in place of
 * register.ts): a browser's main thread cannot compile WebAssembly synchronously from fetched bytes, so the
 * backend always starts in `ck.ready()`, and its JavaScript (kernel wrappers, thread pool, worker source) is a
 * chunk that `ready()` loads alongside the .wasm build rather than part of every page's entry script. Until then
 * code runs on the reference backend, as before.
 */
import { registerLazyBackend } from '../registry.js';

export function registerWasmBackend(): void {
  registerLazyBackend('wasm', async () => (await import('./wasm-chunk.js')).createWasmBackend(), { preferred: true });
}
