/** The conformance suite on the native (oneDNN) device where its addon builds (CI installs libdnnl-dev); elsewhere it says why it did not run. */
import { test } from 'node:test';
import * as ck from '../../src/index.js';
import { readyBackends } from '../helpers/backends.js';
import { conformance } from './suite.js';

await ck.ready();
if ((await readyBackends()).includes('native')) conformance('native');
else test('conformance on native', { skip: "the native addon is not built here: apt-get install -y libdnnl-dev && npm run build:native" }, () => {});
