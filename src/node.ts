/**
 * convkit for Node: `import * as ck from 'convkit/node'` is the whole library plus what needs the file
 * system (the core, `convkit`, never imports `node:` modules, so browsers can bundle it).
 */
export * from './index.js';
export * as io from './io/node.js';
export { save, load } from './io/files.js';
