/** The package as users get it: the built ESM entry with types, and a browser bundle of the core without Node modules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));

test("import * as ck from 'convkit' resolves to built JavaScript with types", () => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  assert.ok(existsSync(`${root}dist/index.d.ts`));
  const script = "import * as ck from 'convkit'; console.log(ck.tensor([[1, 2], [3, 4]]).sum().item());";
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(out.trim(), '10');
});

test('the core bundles for a browser (no node: built-ins in its import graph)', async () => {
  const result = await build({ entryPoints: [`${root}src/index.ts`], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent' });
  assert.equal(result.errors.length, 0);
  const code = result.outputFiles[0].text;
  assert.doesNotMatch(code, /from ["']node:|require\(["'](node:)?(fs|worker_threads|zlib)["']\)/);
});
