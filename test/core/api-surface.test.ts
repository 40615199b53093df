/**
 * The public surface never loses a name: every export of `convkit` (namespaces' members included) and every
 * Tensor method in test/fixtures/api-surface.json, generated from main before the method table and the
 * re-exporting index replaced the hand-written lists, must still be there. New names are welcome; after
 * adding some, regenerate the file with `node --import tsx tools/api-surface.ts > test/fixtures/api-surface.json`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as ck from '../../src/index.js';
import { apiSurface, type ApiSurface } from '../../tools/api-surface.js';

const committed = JSON.parse(readFileSync(new URL('../fixtures/api-surface.json', import.meta.url), 'utf8')) as ApiSurface;
const now = apiSurface(ck as unknown as Record<string, unknown>);

test('api surface: every committed export is still exported', () => {
  assert.ok(committed.exports.length > 400, `fixture lists ${committed.exports.length} exports`);
  const missing = committed.exports.filter((name) => !now.exports.includes(name));
  assert.deepEqual(missing, [], `exports that disappeared: ${missing.join(', ')}`);
});

test('api surface: every committed Tensor method and property is still on Tensor', () => {
  assert.ok(committed.tensor.includes('add') && committed.tensor.includes('T'));
  const missing = committed.tensor.filter((name) => !now.tensor.includes(name));
  assert.deepEqual(missing, [], `Tensor members that disappeared: ${missing.join(', ')}`);
});

test('api surface: the surface tool sees a name that goes missing', () => {
  const { matmul: _dropped, ...rest } = ck as unknown as Record<string, unknown>;
  assert.ok(!apiSurface(rest).exports.includes('matmul'));
  assert.ok(apiSurface(rest).exports.includes('nn.Conv2d'));
});
