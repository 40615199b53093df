/**
 * convkit for Node: `import * as ck from 'convkit/node'` is the whole library plus what needs the file
 * system (the core, `convkit`, never imports `node:` modules, so browsers can bundle it): safetensors files,
 * data sets read from disk (IDX, CIFAR-10 binary batches, image folders) and training checkpoints in a directory.
 */
export * from './index.js';
export * as io from './io/node.js';
export { save, load } from './io/files.js';
export * as data from './data/node-all.js';
export * as train from './train/node-all.js';
export * as vis from './vis/node.js';
