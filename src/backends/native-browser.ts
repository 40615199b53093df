/**
 * The native backend as a browser sees it (package.json's "browser" map puts this file in place of
 * native/index.ts): still listed by `ck.backendNames()`, as everywhere, but `ck.ready('native')` rejects with
 * the reason instead of shipping an addon loader that cannot run in a page.
 */
import { registerLazyBackend } from './registry.js';

export function registerNativeBackend(): void {
  registerLazyBackend('native', () => Promise.reject(new Error("ready: the native backend (oneDNN) needs Node's native addons; in a browser use 'wasm' or 'webgpu'")), { optional: true });
}
