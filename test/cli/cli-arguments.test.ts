/** Bad command lines and runs interrupted after training: a clear message, a non-zero status, no hang. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { writeFileAtomic } from '../../src/io/files.js';

async function run(argv: string[], signal?: AbortSignal, onOut?: (s: string) => void): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await main(argv, {
    stdout: { write: (s) => void ((out += s), onOut?.(s)) },
    stderr: { write: (s) => void (err += s) },
    signal,
  });
  return { status, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'ck-args-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('negative numbers get the flag\'s own complaint, not "argument is ambiguous"', async () => {
  for (const [flag, value, why] of [['--epochs', '-1', 'a positive integer'], ['--lr', '-1', 'a positive number'], ['--lr', '-.5', 'a positive number'], ['--batch-size', '-64', 'a positive integer'], ['--seed', '-3', 'a non-negative integer']]) {
    const r = await run(['train', flag, value, '--out', join(dir, 'neg')]);
    assert.equal(r.status, 2, `${flag} ${value}`);
    assert.match(r.err, new RegExp(`${flag} must be ${why}, got '${value.replace('.', '\\.')}'`));
    assert.doesNotMatch(r.err, /ambiguous/);
  }
});

test('--out: empty, a file, under a file, or on /proc is refused at once with the reason', async () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  const cases: [string, RegExp][] = [
    ['', /--out must name a directory, got ''/],
    [file, /--out .*a-file: .*a-file exists and is not a directory/],
    [join(file, 'run'), /--out .*a-file\/run: cannot create or write the run directory \(ENOTDIR/],
    ['/proc/convkit-test/run', /--out \/proc\/convkit-test\/run: cannot create or write the run directory \(ENOENT/],
  ];
  for (const [out, why] of cases) {
    const r = await run(['train', '--out', out]);
    assert.equal(r.status, 2, out);
    assert.match(r.err, why);
  }
});

test('--train-size 1 trains on one image instead of failing inside randomSplit', async () => {
  const r = await run(['train', '--train-size', '1', '--test-size', '8', '--epochs', '1', '--out', join(dir, 'one')]);
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /\(1 training, 0 validation, 8 test images\)/);
});

test('a corrupt --weights file and a failed write name the file', async () => {
  const weights = join(dir, 'corrupt.safetensors');
  writeFileSync(weights, new Uint8Array(100).fill(7));
  const r = await run(['eval', '--weights', weights, '--model', 'lenet5']);
  assert.equal(r.status, 1);
  assert.match(r.err, /loadSafetensors: .*corrupt\.safetensors: header length/);
  assert.throws(() => writeFileAtomic(join(dir, 'missing-dir', 'model.safetensors'), new Uint8Array(4)), /^Error: cannot write .*missing-dir\/model\.safetensors: ENOENT/);
});

test('stale temporary files of a killed run are removed from --out', async () => {
  const out = join(dir, 'stale');
  const r0 = await run(['train', '--train-size', '64', '--test-size', '8', '--epochs', '1', '--out', out]);
  assert.equal(r0.status, 0, r0.err);
  writeFileSync(join(out, 'model.safetensors.4194303.mabc.tmp'), 'half');
  const r = await run(['train', '--resume', '--out', out]);
  assert.equal(r.status, 0, r.err);
  assert.deepEqual(readdirSync(out).filter((f) => f.endsWith('.tmp')), []);
});

test('Ctrl-C during the final evaluation is not ignored: it says what was not written and exits 130', async () => {
  const out = join(dir, 'late');
  // the signal turns aborted once the last epoch is logged and fit has made its own end-of-epoch check
  let epochLogged = false;
  let readsAfter = 0;
  const signal = { get aborted() { return epochLogged && ++readsAfter > 1; } } as AbortSignal;
  const r = await run(['train', '--train-size', '64', '--test-size', '8', '--epochs', '1', '--out', out], signal, (s) => {
    if (/^epoch 1\/1/m.test(s)) epochLogged = true;
  });
  assert.equal(r.status, 130, r.out + r.err);
  assert.match(r.out, /interrupted after training: the trained model is checkpointed in .*checkpoints, but .*model\.safetensors, .*metrics\.json, .*report\.html were not written; write them with: convkit train --resume --out /);
  assert.ok(!existsSync(join(out, 'model.safetensors')));
  const resumed = await run(['train', '--resume', '--out', out]);
  assert.equal(resumed.status, 0, resumed.err);
  assert.ok(existsSync(join(out, 'report.html')));
});
