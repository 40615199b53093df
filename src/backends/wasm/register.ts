/**
 * Where the main entry registers the wasm backend from. In Node this is the backend module itself (it compiles
 * synchronously, so wasm is current on import); package.json's "browser" map swaps in register-browser.ts,
 * which loads the kernels' JavaScript together with the one WebAssembly build the browser needs.
 */
export { registerWasmBackend } from './index.js';
