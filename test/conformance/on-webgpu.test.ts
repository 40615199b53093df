/**
 * The conformance suite on the webgpu device (suite.ts), under SwiftShader where there is no GPU
 * (test/helpers/webgpu.ts). webgpu declares it holds no float64, so its float64 cases must be refused with
 * "float64 is not supported on webgpu". Without an adapter the suite is reported as not run, with how to enable it.
 */
import { test } from 'node:test';
import * as ck from '../../src/index.js';
import { hostDevice } from '../helpers/index.js';
import { startWebgpu } from '../helpers/webgpu.js';
import { conformance } from './suite.js';

/** Cases that fail on webgpu because of a known kernel bug: case name -> the bug. The suite fails when one passes. */
const EXPECTED_FAILURES: Record<string, string> = {};

const notRun = await startWebgpu('test/conformance/on-webgpu.test.ts');
if (notRun) {
  test('conformance on webgpu', { skip: notRun }, () => {});
} else {
  // the current backend goes back to the CPU default, so an op that creates a tensor on it instead of its inputs' device fails
  ck.setBackend(hostDevice());
  conformance('webgpu', { expectedFailures: EXPECTED_FAILURES });
}
