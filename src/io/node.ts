/** `ck.io` as `convkit/node` exports it: the same functions, with file paths accepted where bytes are. */
export * from './index.js';
export { loadSafetensors, saveSafetensorsFile } from './files.js';
