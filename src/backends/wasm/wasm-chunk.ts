/**
 * What a browser's `ck.ready()` imports for the wasm backend: its JavaScript, reached through the main entry so
 * that bundlers keep the entry's modules in one shared chunk (src/index.ts says why). Node registers the backend
 * from index.ts directly (register.ts), which is why index.ts itself cannot import the entry (a cycle).
 */
import '../../index.js';

export { createWasmBackend } from './index.js';
