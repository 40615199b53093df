/**
 * Preloaded by `npm run test:reference` (node --import): the whole suite then runs with the reference backend
 * as the default, the oracle the wasm backend (the normal default) is compared with.
 */
import * as ck from '../../src/index.js';

ck.setBackend('reference');
