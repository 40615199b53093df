/** The conformance suite on the wasm device (suite.ts); the current backend stays the default, so an op that creates a tensor on the current device instead of its inputs' fails here. */
import * as ck from '../../src/index.js';
import { conformance } from './suite.js';

await ck.ready();
conformance('wasm');
