/**
 * convkit/node: everything `convkit` has, plus what needs Node: data sets read from disk (IDX, CIFAR-10
 * binary batches, image folders) with zlib and image decoders. `import * as ck from 'convkit/node'`.
 */
export * from './index.js';
export * as data from './data/node-all.js';
