/** ck.data as convkit/node exposes it: the browser-safe part plus the file loaders. */
export * from './index.js';
export * from './node/index.js';
