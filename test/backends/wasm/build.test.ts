/** The committed WebAssembly is exactly what its source builds to (tools/wasm/build.ts with the pinned wabt). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OUTPUT, renderBinaryModule } from '../../../tools/wasm/build.js';

test('src/backends/wasm/binary.ts is byte for byte the build of tools/wasm (run npm run build:wasm after editing the source)', async () => {
  assert.equal(readFileSync(OUTPUT, 'utf8'), await renderBinaryModule());
});
