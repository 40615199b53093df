/**
 * What a browser's `ck.ready()` imports for the wasm backend: its JavaScript, reached through the main entry so
 * that bundlers keep the entry's modules in one shared chunk (see entry-closure.ts). Node registers the backend
 * from index.ts directly (register.ts), which is why index.ts itself does not import the entry.
 */
import '../../entry-closure.js';

export { createWasmBackend } from './index.js';
