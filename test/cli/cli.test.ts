/** The convkit command end to end on the built-in slice: train, resume, eval, predict, summary, models, errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ck from '../../src/node.js';
import { main } from '../../src/cli/main.js';
import { FIXTURES } from '../helpers/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function run(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await main(argv, { stdout: { write: (s) => void (out += s) }, stderr: { write: (s) => void (err += s) } });
  return { status, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'ck-cli-'));
const runDir = join(dir, 'run');
const QUICK = ['--train-size', '1000', '--test-size', '200', '--batch-size', '32', '--out', runDir];

test('train on a slice of the built-in data: learns (above chance) and writes weights, metrics and report', async () => {
  const r = await run('train', '--epochs', '3', ...QUICK);
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /training lenet5 on fashion-mnist-mini \(900 training, 100 validation, 200 test images\)/);
  assert.equal(r.out.match(/^epoch \d\/3 {2}train loss/gm)?.length, 3, 'one line per epoch when stdout is not a terminal');
  const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8'));
  assert.ok(metrics.testAccuracy > 0.4, `test accuracy ${metrics.testAccuracy} (chance is 0.1)`);
  assert.match(r.out, new RegExp(`test accuracy ${(metrics.testAccuracy * 100).toFixed(2)}%`));
  assert.equal(typeof metrics.testLoss, 'number');
  assert.equal(metrics.epochs.length, 3);
  for (const key of ['epoch', 'trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'lr', 'seconds', 'imagesPerSecond']) assert.equal(typeof metrics.epochs[2][key], 'number', key);
  // the weights load into a freshly built model with ck.io
  const weights = ck.io.loadSafetensors(join(runDir, 'model.safetensors'));
  const model = ck.models.lenet5({ activation: 'relu', pool: 'max' });
  model.loadStateDict(weights);
  assert.deepEqual(Object.keys(weights).sort(), Object.keys(model.stateDict()).sort());
});

test('report.html is self-contained and holds the curves, lr, confusion matrix, per-class accuracy, misclassified images and summary', () => {
  const html = readFileSync(join(runDir, 'report.html'), 'utf8');
  for (const id of ['loss-chart', 'accuracy-chart', 'lr-chart', 'confusion-matrix', 'per-class-accuracy', 'misclassified', 'model-summary']) assert.match(html, new RegExp(`id="${id}"`), id);
  assert.equal(html.match(/<polyline/g)?.length, 5, 'train and validation loss, train and validation accuracy, lr');
  assert.ok((html.match(/<img alt="test image \d+" src="data:image\/png;base64,/g) ?? []).length > 0);
  assert.match(html, /Total params: 61,706/);
  assert.doesNotMatch(html, /<script|<link|src="http|url\(http/);
});

test('--resume continues a finished run for more epochs from its checkpoint', async () => {
  const r = await run('train', '--resume', '--out', runDir, '--epochs', '4');
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /resuming lenet5/);
  assert.doesNotMatch(r.out, /^epoch [123]\/4/m);
  assert.match(r.out, /^epoch 4\/4/m);
  assert.equal(JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')).epochs.length, 4);
  const clash = await run('train', '--resume', '--out', runDir, '--lr', '0.1');
  assert.equal(clash.status, 2);
  assert.match(clash.err, /--resume continues with the run's own settings .*; drop --lr/);
});

test('eval and predict use the run\'s config.json; predict lists the top 5 classes', async () => {
  const e = await run('eval', '--weights', join(runDir, 'model.safetensors'));
  assert.equal(e.status, 0, e.err);
  assert.match(e.out, /lenet5 .* on fashion-mnist-mini test: accuracy \d+\.\d\d%, loss \d\.\d+, top-5 \d+\.\d\d%, 2000 images/);
  assert.match(e.out, /^ {2}Ankle boot +\d+\.\d\d%$/m);
  // a test image written as PNG, as a user would have it
  const test = ck.data.loadFashionMNIST({ root: ck.data.BUILTIN_FASHION_MNIST, train: false });
  const png = join(dir, 'item.png');
  writeFileSync(png, ck.data.encodePng(test.getItem(0)[0]));
  const p = await run('predict', '--weights', join(runDir, 'model.safetensors'), png);
  assert.equal(p.status, 0, p.err);
  const lines = p.out.trim().split('\n');
  assert.equal(lines[0], png);
  assert.equal(lines.length, 6);
  const probs = lines.slice(1).map((l) => Number(/(\d+\.\d)%/.exec(l)![1]));
  assert.deepEqual(probs, [...probs].sort((a, b) => b - a));
  assert.ok(lines.slice(1).every((l) => test.classes.some((c) => l.endsWith(`  ${c}`))));
});

test('summary and models print the zoo', async () => {
  const s = await run('summary', 'lenet5', '--input', '1,32,32');
  assert.equal(s.status, 0, s.err);
  assert.match(s.out, /LeNet5 +\[1, 10\]/);
  assert.match(s.out, /Total params: 61,706/);
  const m = await run('models');
  assert.match(m.out, /^lenet5 +32x32/m);
  assert.match(m.out, /^resnet18 +224x224/m);
});

test('the CIFAR-10 binary format and an image folder train end to end too', async () => {
  const cifar = await run('train', '--data', 'cifar10', '--data-dir', join(FIXTURES, 'data'), '--epochs', '1', '--val-split', '0', '--out', join(dir, 'cifar'));
  assert.equal(cifar.status, 0, cifar.err);
  assert.match(cifar.out, /training lenet5 on cifar10 \(10 training, 0 validation, 2 test images\)/);
  const folder = join(dir, 'folder');
  for (const split of ['train', 'test']) cpSync(join(FIXTURES, 'data', 'image-folder'), join(folder, split), { recursive: true });
  const f = await run('train', '--data', 'folder', '--data-dir', folder, '--model', 'simpleCnn', '--epochs', '1', '--val-split', '0', '--batch-size', '2', '--out', join(dir, 'folder-run'));
  assert.equal(f.status, 0, f.err);
  assert.match(f.out, /training simpleCnn on folder \(5 training, 0 validation, 5 test images\)/);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'folder-run', 'config.json'), 'utf8')).classes, ['cat', 'dog']);
  const noDir = await run('train', '--data', 'cifar10', '--out', join(dir, 'z'));
  assert.equal(noDir.status, 2);
  assert.match(noDir.err, /--data cifar10 needs --data-dir/);
});

test('errors name what was wrong and what is valid', async () => {
  const model = await run('train', '--model', 'lenet7');
  assert.equal(model.status, 2);
  assert.match(model.err, /unknown model 'lenet7'; available: lenet5, simpleCnn, .*resnet18/);
  const option = await run('train', '--epoch', '3');
  assert.equal(option.status, 2);
  assert.match(option.err, /^convkit train: unknown option --epoch; valid options: --model, .*--epochs/);
  const choice = await run('train', '--optimizer', 'lbfgs');
  assert.match(choice.err, /--optimizer must be one of sgd, adam, adamw, rmsprop, got 'lbfgs'/);
  const value = await run('train', '--epochs', 'many');
  assert.match(value.err, /--epochs must be a positive integer, got 'many'/);
  // the program's name once, then the command: not "convkit: convkit train: ..."
  assert.match(value.err, /^convkit train: --epochs/);
  const missing = await run('train', '--data', 'fashion-mnist', '--data-dir', join(dir, 'nowhere'), '--out', join(dir, 'x'));
  assert.equal(missing.status, 1);
  assert.match(missing.err, /FashionMNIST: no training data found\. Looked in: .*nowhere \(no such directory\).*apt-get install dataset-fashion-mnist/);
  const corrupt = join(dir, 'corrupt');
  execFileSync('mkdir', ['-p', corrupt]);
  for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) copyFileSync(join(FIXTURES, 'data', 'fashion-mini', f), join(corrupt, f));
  truncateSync(join(corrupt, 'train-images-idx3-ubyte'), 1000);
  const bad = await run('train', '--data', 'fashion-mnist', '--data-dir', corrupt, '--out', join(dir, 'y'));
  assert.equal(bad.status, 1);
  assert.match(bad.err, /train-images-idx3-ubyte is not a valid IDX file: the header says uint8 \[50,28,28\] \(39200 bytes of data\) but the file has 984 bytes/);
  const command = await run('fit');
  assert.equal(command.status, 2);
  assert.match(command.err, /unknown command 'fit'; commands: train, eval, summary, predict, inspect, export, models/);
});

test('Ctrl-C saves a checkpoint and exits cleanly; --resume finishes the run', async () => {
  const out = join(dir, 'interrupted');
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), 'train', '--train-size', '6000', '--test-size', '100', '--epochs', '2', '--out', out], { cwd: ROOT });
  let stdout = '';
  let sent = false;
  child.stdout.on('data', (d) => {
    stdout += d;
    // interrupt once, a moment after training started (a second Ctrl-C would quit without saving); the run is
    // long enough (12,000 images) that the signal lands mid-epoch on the fastest backend
    if (/^training/m.test(stdout) && !sent) {
      sent = true;
      setTimeout(() => child.kill('SIGINT'), 1000);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 130, stdout);
  assert.match(stdout, /interrupted: checkpoint saved in .*checkpoints; continue with: convkit train --resume --out /);
  const meta = JSON.parse(readFileSync(join(out, 'checkpoints', 'checkpoint.json'), 'utf8'));
  assert.ok(meta.partial.batchesDone > 0 && meta.partial.batchesDone < meta.partial.order.length);
  const r = await run('train', '--resume', '--out', out);
  assert.equal(r.status, 0, r.err);
  assert.ok(existsSync(join(out, 'report.html')));
});

test('bin/convkit.js runs the built CLI', () => {
  assert.ok(existsSync(join(ROOT, 'dist/cli/bin.js')), 'dist/ is built by npm ci (prepare) or npm run build');
  const out = execFileSync(process.execPath, [join(ROOT, 'bin/convkit.js'), 'models'], { encoding: 'utf8' });
  assert.match(out, /^lenet5 +32x32/m);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
