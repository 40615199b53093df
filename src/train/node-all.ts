/** ck.train as convkit/node exposes it: fit gains `checkpointDir`. */
export * from './index.js';
export { fit } from './node/fit.js';
export type { NodeFitOptions } from './node/fit.js';
export { directoryCheckpointStore } from './node/checkpoint-dir.js';
