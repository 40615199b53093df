/**
 * Every public callable takes PyTorch's positional parameters in PyTorch's order and the trailing options
 * object, through core/args: (1) each parameter list matches torch 1.13's (test/fixtures/signatures.json,
 * from tools/gen_signature_fixtures.py); (2) for each callable the positional and the options form give the
 * same result; (3) an unknown option, a wrong type and too many arguments are refused, naming the callable.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as ck from '../../src/node.js';
import { camelCase, signatureOf, signatures, type Signature } from '../../src/core/args.js';
import { TENSOR_CASES } from './signature-cases-tensor.js';

const { nn, optim } = ck;
const F = nn.functional;
const T = ck.data.transforms;
const TF = T.functional;
const S = optim.lrScheduler;

const fixture = JSON.parse(readFileSync(new URL('../fixtures/signatures.json', import.meta.url), 'utf8')) as {
  signatures: Record<string, { positional: string[]; keyword: string[]; varargs?: string }>;
};

/** torch's names as convkit spells them: camelCase, first letter lower (T_max is tMax). */
const spell = (n: string): string => {
  const c = camelCase(n);
  return c[0].toLowerCase() + c.slice(1);
};

/**
 * Keyword-only parameters convkit adds (its own seedable generators, the loader's async prefetch, tensor()'s shape
 * for flat typed arrays), and the factory keywords dtype/device, which the fixture leaves out (tools/gen_signature_fixtures.py).
 */
const OWN_KEYWORDS = new Set(['generator', 'prefetch', 'correction', 'dtype', 'device', 'shape']);

test('parameter lists are torch 1.13\'s, in its order', () => {
  const problems: string[] = [];
  for (const [name, want] of Object.entries(fixture.signatures)) {
    const method = name.startsWith('torch.Tensor.');
    const sig = signatures.get(method ? name.replace('torch.Tensor.', 'torch.') : name);
    if (!sig) {
      problems.push(`${name}: no signature`);
      continue;
    }
    // convkit's rest parameter is Python's *varargs, or the documented `*size` / a list parameter (torch.flip's dims)
    const rest = sig.rest?.[0];
    const ours = [...sig.required, ...sig.optional, ...(sig.rest && !want.varargs ? [sig.rest] : [])].map(([n]) => n).slice(method ? 1 : 0);
    const theirs = want.positional.map(spell);
    if (ours.join() !== theirs.join()) problems.push(`${name}: positional (${ours.join(', ')}) vs torch (${theirs.join(', ')})`);
    if (want.varargs && rest !== spell(want.varargs)) problems.push(`${name}: varargs ${rest ?? '(none)'} vs torch *${want.varargs}`);
    const allowed = new Set([...theirs, ...want.keyword.map(spell), ...OWN_KEYWORDS]);
    for (const [k] of sig.keyword) if (!allowed.has(k)) problems.push(`${name}: keyword ${k} is not torch's`);
  }
  assert.deepEqual(problems, []);
});

/** opt: non-default values for the first optional parameters (a function where they hold state, as generators do). */
type Case = { make: (...args: unknown[]) => unknown; req: () => unknown[]; opt: unknown[] | (() => unknown[]) };
const optOf = (c: Case): unknown[] => (typeof c.opt === 'function' ? c.opt() : c.opt);
const x4 = (): ck.Tensor => ck.randn([2, 4, 6, 6]);
const img = (): ck.Tensor => ck.rand([3, 8, 8]);
const params = (): ck.Tensor[] => [ck.randn([3], { requiresGrad: true })];
const sgd = (): ck.optim.SGD => new optim.SGD(params(), { lr: 0.1 });
const withGrads = (): ck.Tensor[] => {
  const ps = params();
  ps[0].grad = ck.tensor([3, -4, 12]);
  return ps;
};
const ctor = (C: unknown) => (...a: unknown[]) => new (C as new (...args: unknown[]) => unknown)(...a);
const fn = (f: unknown) => f as (...args: unknown[]) => unknown;
const idx = (shape: number[], data: number[]): ck.data.IdxArray => ({ type: 'uint8', shape, data: Uint8Array.from(data) });

const SLICE = new URL('../../data/fashion-mnist/', import.meta.url).pathname;
const files = mkdtempSync(join(tmpdir(), 'convkit-signatures-'));
after(() => rmSync(files, { recursive: true, force: true }));
// one-record CIFAR-10 batches and a two-class image folder, for the file loaders
for (const name of ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch']) {
  writeFileSync(join(files, `${name}.bin`), Uint8Array.from({ length: 3073 }, (_, i) => (i === 0 ? (name === 'test_batch' ? 1 : 2) : i % 256)));
}
for (const c of ['cat', 'dog']) {
  mkdirSync(join(files, 'images', c), { recursive: true });
  writeFileSync(join(files, 'images', c, 'a.png'), ck.data.encodePng(new ck.data.Image(new Uint8Array(12), 2, 2, 3)));
}
const loaded = (d: unknown): unknown => {
  const ds = d as ck.data.Dataset<[unknown, number]>;
  return [ds.length, (ds as { root?: string }).root, summary((ds.getItem(0) as [unknown, number])[0]), (ds.getItem(0) as [unknown, number])[1]];
};

/** For each signature (by its key): how to call it, sample required values, and non-default optional ones. */
const CASES: Record<string, Case> = {
  'torch.max': { make: fn(ck.max), req: () => [ck.randn([3, 4])], opt: [1, true] },
  'torch.min': { make: fn(ck.min), req: () => [ck.randn([3, 4])], opt: [1, true] },
  'torch.var': { make: fn(ck.var), req: () => [ck.randn([3, 4])], opt: [1, false, true] },
  'torch.std': { make: fn(ck.std), req: () => [ck.randn([3, 4])], opt: [0, false, true] },
  'torch.sum': { make: fn(ck.sum), req: () => [ck.randn([3, 4])], opt: [1, true] },
  'torch.mean': { make: fn(ck.mean), req: () => [ck.randn([3, 4])], opt: [[0, 1], true] },
  'torch.prod': { make: fn(ck.prod), req: () => [ck.randn([3, 4])], opt: [0, true] },
  'torch.amax': { make: fn(ck.amax), req: () => [ck.randn([3, 4])], opt: [1, true] },
  'torch.amin': { make: fn(ck.amin), req: () => [ck.randn([3, 4])], opt: [1, true] },
  'torch.all': { make: fn(ck.all), req: () => [ck.randn([3, 4])], opt: [1, true] },
  'torch.any': { make: fn(ck.any), req: () => [ck.randn([3, 4])], opt: [1, true] },
  'torch.argmax': { make: fn(ck.argmax), req: () => [ck.randn([3, 4])], opt: [1, true] },
  'torch.argmin': { make: fn(ck.argmin), req: () => [ck.randn([3, 4])], opt: [0, true] },
  'torch.logsumexp': { make: fn(ck.logsumexp), req: () => [ck.randn([3, 4]), 1], opt: [true] },
  'torch.count_nonzero': { make: fn(ck.countNonzero), req: () => [ck.randn([3, 4])], opt: [1] },
  'torch.nn.functional.linear': { make: fn(F.linear), req: () => [ck.randn([2, 3]), ck.randn([4, 3])], opt: [ck.randn([4])] },
  'torch.nn.functional.pad': { make: fn(F.pad), req: () => [ck.randn([1, 2, 4, 4]), [1, 1, 2, 0]], opt: ['reflect'] },
  'torch.nn.init.calculate_gain': { make: fn(nn.init.calculateGain), req: () => ['leaky_relu'], opt: [0.2] },
  'torch.nn.init.uniform_': { make: fn(nn.init.uniform_), req: () => [ck.empty([50])], opt: [-3, -2] },
  'torch.nn.init.normal_': { make: fn(nn.init.normal_), req: () => [ck.empty([50])], opt: [5, 0.01] },
  'torch.nn.init.trunc_normal_': { make: fn(nn.init.truncNormal_), req: () => [ck.empty([50])], opt: [1, 2, -1, 3] },
  'torch.nn.init.constant_': { make: fn(nn.init.constant_), req: () => [ck.empty([5]), 0.3], opt: [] },
  'torch.nn.init.zeros_': { make: fn(nn.init.zeros_), req: () => [ck.empty([5])], opt: [] },
  'torch.nn.init.ones_': { make: fn(nn.init.ones_), req: () => [ck.empty([5])], opt: [] },
  'torch.nn.init.xavier_uniform_': { make: fn(nn.init.xavierUniform_), req: () => [ck.empty([20, 30])], opt: [3] },
  'torch.nn.init.xavier_normal_': { make: fn(nn.init.xavierNormal_), req: () => [ck.empty([20, 30])], opt: [3] },
  'torch.nn.init.kaiming_uniform_': { make: fn(nn.init.kaimingUniform_), req: () => [ck.empty([20, 30])], opt: [0, 'fan_out', 'relu'] },
  'torch.nn.init.kaiming_normal_': { make: fn(nn.init.kaimingNormal_), req: () => [ck.empty([20, 30])], opt: [0, 'fan_out', 'relu'] },
  'torch.nn.Identity': { make: ctor(nn.Identity), req: () => [], opt: [] },
  'torch.nn.Linear': { make: ctor(nn.Linear), req: () => [3, 4], opt: [false] },
  'torch.nn.Flatten': { make: ctor(nn.Flatten), req: () => [], opt: [0, 2] },
  'torch.nn.Unflatten': { make: ctor(nn.Unflatten), req: () => [1, [2, 3]], opt: [] },
  'torch.nn.functional.relu': { make: fn(F.relu), req: () => [ck.randn([5])], opt: [false] },
  'F.sigmoid': { make: fn(F.sigmoid), req: () => [ck.randn([5])], opt: [] },
  'F.tanh': { make: fn(F.tanh), req: () => [ck.randn([5])], opt: [] },
  'torch.nn.functional.relu6': { make: fn(F.relu6), req: () => [ck.randn([5])], opt: [false] },
  'torch.nn.functional.leaky_relu': { make: fn(F.leakyRelu), req: () => [ck.randn([5])], opt: [0.2, false] },
  'torch.nn.functional.elu': { make: fn(F.elu), req: () => [ck.randn([5])], opt: [0.5, false] },
  'torch.nn.functional.gelu': { make: fn(F.gelu), req: () => [ck.randn([5])], opt: ['tanh'] },
  'torch.nn.functional.silu': { make: fn(F.silu), req: () => [ck.randn([5])], opt: [false] },
  'torch.nn.functional.softplus': { make: fn(F.softplus), req: () => [ck.randn([5])], opt: [2, 1] },
  'torch.nn.functional.softmax': { make: fn(F.softmax), req: () => [ck.randn([2, 5]), 0], opt: [] },
  'torch.nn.functional.log_softmax': { make: fn(F.logSoftmax), req: () => [ck.randn([2, 5]), 0], opt: [] },
  'torch.nn.ReLU': { make: ctor(nn.ReLU), req: () => [], opt: [true] },
  'torch.nn.ReLU6': { make: ctor(nn.ReLU6), req: () => [], opt: [true] },
  'torch.nn.SiLU': { make: ctor(nn.SiLU), req: () => [], opt: [true] },
  'torch.nn.Sigmoid': { make: ctor(nn.Sigmoid), req: () => [], opt: [] },
  'torch.nn.Tanh': { make: ctor(nn.Tanh), req: () => [], opt: [] },
  'torch.nn.LeakyReLU': { make: ctor(nn.LeakyReLU), req: () => [], opt: [0.2, true] },
  'torch.nn.ELU': { make: ctor(nn.ELU), req: () => [], opt: [0.5, true] },
  'torch.nn.GELU': { make: ctor(nn.GELU), req: () => [], opt: ['tanh'] },
  'torch.nn.Softplus': { make: ctor(nn.Softplus), req: () => [], opt: [2, 10] },
  'torch.nn.Softmax': { make: ctor(nn.Softmax), req: () => [1], opt: [] },
  'torch.nn.LogSoftmax': { make: ctor(nn.LogSoftmax), req: () => [1], opt: [] },
  'torch.nn.functional.batch_norm': {
    make: fn(F.batchNorm), req: () => [ck.randn([4, 3]), ck.zeros([3]), ck.ones([3])], opt: [ck.full([3], 2), ck.full([3], 0.5), true, 0.3, 1e-3],
  },
  'torch.nn.BatchNorm1d': { make: ctor(nn.BatchNorm1d), req: () => [3], opt: [1e-3, null, false, false] },
  'torch.nn.BatchNorm2d': { make: ctor(nn.BatchNorm2d), req: () => [3], opt: [1e-3, 0.2, false, false] },
  'torch.nn.BatchNorm3d': { make: ctor(nn.BatchNorm3d), req: () => [3], opt: [1e-3, 0.2, true, false] },
  'torch.nn.functional.dropout': { make: fn(F.dropout), req: () => [ck.ones([50])], opt: [0.5, false, false] },
  'torch.nn.functional.dropout1d': { make: fn(F.dropout1d), req: () => [ck.ones([2, 3, 4])], opt: [0.3, true, false] },
  'torch.nn.functional.dropout2d': { make: fn(F.dropout2d), req: () => [ck.ones([2, 3, 4, 4])], opt: [0.3, true, false] },
  'torch.nn.functional.dropout3d': { make: fn(F.dropout3d), req: () => [ck.ones([2, 3, 2, 2, 2])], opt: [0.3, true, false] },
  'torch.nn.Dropout': { make: ctor(nn.Dropout), req: () => [], opt: [0.2, true] },
  'torch.nn.Dropout1d': { make: ctor(nn.Dropout1d), req: () => [], opt: [0.2, true] },
  'torch.nn.Dropout2d': { make: ctor(nn.Dropout2d), req: () => [], opt: [0.2, true] },
  'torch.nn.Dropout3d': { make: ctor(nn.Dropout3d), req: () => [], opt: [0.2, true] },
  'torch.nn.functional.mse_loss': { make: fn(F.mseLoss), req: () => [ck.randn([4]), ck.randn([4])], opt: [null, null, 'sum'] },
  'torch.nn.functional.l1_loss': { make: fn(F.l1Loss), req: () => [ck.randn([4]), ck.randn([4])], opt: [null, null, 'none'] },
  'torch.nn.functional.smooth_l1_loss': { make: fn(F.smoothL1Loss), req: () => [ck.randn([4]), ck.randn([4])], opt: [null, null, 'sum', 0.5] },
  'torch.nn.functional.huber_loss': { make: fn(F.huberLoss), req: () => [ck.randn([4]), ck.randn([4])], opt: ['sum', 0.5] },
  'torch.nn.functional.binary_cross_entropy': { make: fn(F.binaryCrossEntropy), req: () => [ck.rand([4]), ck.rand([4])], opt: [ck.rand([4]), null, null, 'sum'] },
  'torch.nn.functional.binary_cross_entropy_with_logits': {
    make: fn(F.binaryCrossEntropyWithLogits), req: () => [ck.randn([4]), ck.rand([4])], opt: [ck.rand([4]), null, null, 'sum', ck.full([4], 2)],
  },
  'torch.nn.functional.kl_div': { make: fn(F.klDiv), req: () => [ck.randn([2, 3]), ck.rand([2, 3])], opt: [null, null, 'batchmean', true] },
  'torch.nn.functional.nll_loss': { make: fn(F.nllLoss), req: () => [ck.randn([4, 3]), ck.tensor([0, 2, 1, 1], { dtype: 'int32' })], opt: [ck.rand([3]), null, 1, null, 'sum'] },
  'torch.nn.functional.cross_entropy': {
    make: fn(F.crossEntropy), req: () => [ck.randn([4, 3]), ck.tensor([0, 2, 1, 1], { dtype: 'int32' })], opt: [ck.rand([3]), null, 1, null, 'sum', 0.1],
  },
  'torch.nn.L1Loss': { make: ctor(nn.L1Loss), req: () => [], opt: [null, null, 'sum'] },
  'torch.nn.MSELoss': { make: ctor(nn.MSELoss), req: () => [], opt: [null, null, 'sum'] },
  'torch.nn.SmoothL1Loss': { make: ctor(nn.SmoothL1Loss), req: () => [], opt: [null, null, 'sum', 0.5] },
  'torch.nn.HuberLoss': { make: ctor(nn.HuberLoss), req: () => [], opt: ['sum', 0.5] },
  'torch.nn.KLDivLoss': { make: ctor(nn.KLDivLoss), req: () => [], opt: [null, null, 'batchmean', true] },
  'torch.nn.BCELoss': { make: ctor(nn.BCELoss), req: () => [], opt: [ck.rand([4]), null, null, 'sum'] },
  'torch.nn.BCEWithLogitsLoss': { make: ctor(nn.BCEWithLogitsLoss), req: () => [], opt: [ck.rand([4]), null, null, 'sum', ck.rand([4])] },
  'torch.nn.NLLLoss': { make: ctor(nn.NLLLoss), req: () => [], opt: [ck.rand([3]), null, 2, null, 'sum'] },
  'torch.nn.CrossEntropyLoss': { make: ctor(nn.CrossEntropyLoss), req: () => [], opt: [ck.rand([3]), null, 2, null, 'sum', 0.1] },
  'torch.nn.functional.conv1d': { make: fn(F.conv1d), req: () => [ck.randn([1, 4, 9]), ck.randn([4, 2, 3])], opt: [ck.randn([4]), 2, 1, 2, 2] },
  'torch.nn.functional.conv2d': { make: fn(F.conv2d), req: () => [x4(), ck.randn([4, 2, 3, 3])], opt: [ck.randn([4]), 2, 1, 1, 2] },
  'torch.nn.functional.conv3d': { make: fn(F.conv3d), req: () => [ck.randn([1, 2, 4, 4, 4]), ck.randn([2, 2, 2, 2, 2])], opt: [null, 1, 'same', 1, 1] },
  'torch.nn.functional.conv_transpose1d': { make: fn(F.convTranspose1d), req: () => [ck.randn([1, 2, 5]), ck.randn([2, 3, 3])], opt: [null, 2, 1, 1, 1, 1] },
  'torch.nn.functional.conv_transpose2d': { make: fn(F.convTranspose2d), req: () => [ck.randn([1, 2, 4, 4]), ck.randn([2, 3, 3, 3])], opt: [ck.randn([3]), 2, 1, 1, 1, 1] },
  'torch.nn.functional.conv_transpose3d': { make: fn(F.convTranspose3d), req: () => [ck.randn([1, 2, 3, 3, 3]), ck.randn([2, 1, 2, 2, 2])], opt: [null, 2, 0, 1] },
  'torch.nn.functional.max_pool1d': { make: fn(F.maxPool1d), req: () => [ck.randn([1, 2, 9]), 3], opt: [2, 1, 1, true, true] },
  'torch.nn.functional.max_pool2d': { make: fn(F.maxPool2d), req: () => [x4(), 3], opt: [2, 1, 1, true, true] },
  'torch.nn.functional.max_pool3d': { make: fn(F.maxPool3d), req: () => [ck.randn([1, 1, 4, 4, 4]), 2], opt: [1, 1, 1, false, true] },
  'torch.nn.functional.avg_pool1d': { make: fn(F.avgPool1d), req: () => [ck.randn([1, 2, 9]), 3], opt: [2, 1, true, false] },
  'torch.nn.functional.avg_pool2d': { make: fn(F.avgPool2d), req: () => [x4(), 3], opt: [2, 1, true, false, 2] },
  'torch.nn.functional.avg_pool3d': { make: fn(F.avgPool3d), req: () => [ck.randn([1, 1, 4, 4, 4]), 2], opt: [1, 1, false, false, 3] },
  'torch.nn.functional.adaptive_max_pool1d': { make: fn(F.adaptiveMaxPool1d), req: () => [ck.randn([1, 2, 9]), 4], opt: [true] },
  'torch.nn.functional.adaptive_max_pool2d': { make: fn(F.adaptiveMaxPool2d), req: () => [x4(), [3, 2]], opt: [true] },
  'torch.nn.functional.adaptive_avg_pool1d': { make: fn(F.adaptiveAvgPool1d), req: () => [ck.randn([1, 2, 9]), 4], opt: [] },
  'torch.nn.functional.adaptive_avg_pool2d': { make: fn(F.adaptiveAvgPool2d), req: () => [x4(), [3, null]], opt: [] },
  'torch.nn.functional.adaptive_avg_pool3d': { make: fn(F.adaptiveAvgPool3d), req: () => [ck.randn([1, 1, 4, 4, 4]), 2], opt: [] },
  'torch.nn.functional.unfold': { make: fn(F.unfold), req: () => [x4(), 3], opt: [1, 1, 2] },
  'torch.nn.functional.fold': { make: fn(F.fold), req: () => [ck.randn([1, 4 * 9, 16]), [4, 4], 3], opt: [1, 1, 1] },
  'torch.nn.functional.local_response_norm': { make: fn(F.localResponseNorm), req: () => [x4(), 3], opt: [1e-3, 0.5, 2] },
  'torch.nn.Conv1d': { make: ctor(nn.Conv1d), req: () => [4, 6, 3], opt: [2, 1, 2, 2, false, 'circular'] },
  'torch.nn.Conv2d': { make: ctor(nn.Conv2d), req: () => [16, 32, 3], opt: [1, 1, 1, 2, false, 'reflect'] },
  'torch.nn.Conv3d': { make: ctor(nn.Conv3d), req: () => [2, 4, 3], opt: [2, 'valid', 1, 2, false, 'replicate'] },
  'torch.nn.ConvTranspose1d': { make: ctor(nn.ConvTranspose1d), req: () => [4, 6, 3], opt: [2, 1, 1, 2, false, 2, 'zeros'] },
  'torch.nn.ConvTranspose2d': { make: ctor(nn.ConvTranspose2d), req: () => [4, 6, 3], opt: [2, 1, 1, 2, false, 2] },
  'torch.nn.ConvTranspose3d': { make: ctor(nn.ConvTranspose3d), req: () => [4, 6, 3], opt: [2, 1, 1, 1, false] },
  'torch.nn.MaxPool1d': { make: ctor(nn.MaxPool1d), req: () => [3], opt: [1, 1, 2, true, true] },
  'torch.nn.MaxPool2d': { make: ctor(nn.MaxPool2d), req: () => [2], opt: [1, 1, 1, false, true] },
  'torch.nn.MaxPool3d': { make: ctor(nn.MaxPool3d), req: () => [2], opt: [1, 1, 2, true, true] },
  'torch.nn.AvgPool1d': { make: ctor(nn.AvgPool1d), req: () => [3], opt: [2, 1, true, false] },
  'torch.nn.AvgPool2d': { make: ctor(nn.AvgPool2d), req: () => [3], opt: [2, 1, true, false, 2] },
  'torch.nn.AvgPool3d': { make: ctor(nn.AvgPool3d), req: () => [3], opt: [2, 1, true, false, 2] },
  'torch.nn.AdaptiveAvgPool1d': { make: ctor(nn.AdaptiveAvgPool1d), req: () => [3], opt: [] },
  'torch.nn.AdaptiveAvgPool2d': { make: ctor(nn.AdaptiveAvgPool2d), req: () => [[3, null]], opt: [] },
  'torch.nn.AdaptiveAvgPool3d': { make: ctor(nn.AdaptiveAvgPool3d), req: () => [2], opt: [] },
  'torch.nn.AdaptiveMaxPool1d': { make: ctor(nn.AdaptiveMaxPool1d), req: () => [3], opt: [true] },
  'torch.nn.AdaptiveMaxPool2d': { make: ctor(nn.AdaptiveMaxPool2d), req: () => [3], opt: [true] },
  'torch.nn.ConstantPad1d': { make: ctor(nn.ConstantPad1d), req: () => [2, 3.5], opt: [] },
  'torch.nn.ConstantPad2d': { make: ctor(nn.ConstantPad2d), req: () => [[1, 2, 3, 4], 3.5], opt: [] },
  'torch.nn.ConstantPad3d': { make: ctor(nn.ConstantPad3d), req: () => [1, -1], opt: [] },
  'torch.nn.ZeroPad2d': { make: ctor(nn.ZeroPad2d), req: () => [[1, 2, 3, 4]], opt: [] },
  'torch.nn.ReflectionPad1d': { make: ctor(nn.ReflectionPad1d), req: () => [2], opt: [] },
  'torch.nn.ReflectionPad2d': { make: ctor(nn.ReflectionPad2d), req: () => [[1, 2, 0, 1]], opt: [] },
  'torch.nn.ReflectionPad3d': { make: ctor(nn.ReflectionPad3d), req: () => [1], opt: [] },
  'torch.nn.ReplicationPad1d': { make: ctor(nn.ReplicationPad1d), req: () => [2], opt: [] },
  'torch.nn.ReplicationPad2d': { make: ctor(nn.ReplicationPad2d), req: () => [[1, 2, 0, 1]], opt: [] },
  'torch.nn.ReplicationPad3d': { make: ctor(nn.ReplicationPad3d), req: () => [1], opt: [] },
  'torch.nn.LocalResponseNorm': { make: ctor(nn.LocalResponseNorm), req: () => [5], opt: [1e-3, 0.5, 2] },
  'torch.nn.utils.clip_grad_norm_': { make: fn(nn.utils.clipGradNorm_), req: () => [withGrads(), 1], opt: [1, false] },
  'torch.nn.utils.clip_grad_value_': { make: (...a) => (fn(nn.utils.clipGradValue_)(...a), (a[0] as ck.Tensor[])[0].grad), req: () => [withGrads(), 1], opt: [] },
  'torch.nn.utils.parameters_to_vector': { make: fn(nn.utils.parametersToVector), req: () => [[ck.ones([2]), ck.zeros([3])]], opt: [] },
  'torch.nn.utils.vector_to_parameters': { make: (...a) => (fn(nn.utils.vectorToParameters)(...a), a[1]), req: () => [ck.arange(5), [ck.ones([2]), ck.zeros([3])]], opt: [] },
  'torch.optim.SGD': { make: ctor(optim.SGD), req: () => [params()], opt: [0.01, 0.9, 0.1, 1e-4, false] },
  'torch.optim.Adam': { make: ctor(optim.Adam), req: () => [params()], opt: [0.01, [0.5, 0.9], 1e-6, 1e-4, true] },
  'torch.optim.AdamW': { make: ctor(optim.AdamW), req: () => [params()], opt: [0.01, [0.5, 0.9], 1e-6, 0.1, true] },
  'torch.optim.RMSprop': { make: ctor(optim.RMSprop), req: () => [params()], opt: [0.1, 0.9, 1e-6, 1e-4, 0.5, true, null, true] },
  'torch.optim.Adagrad': { make: ctor(optim.Adagrad), req: () => [params()], opt: [0.1, 0.01, 1e-4, 0.1, 1e-6, null] },
  EarlyStopping: { make: ctor(optim.EarlyStopping), req: () => [], opt: [3, 0.01, 'max'] },
  'torch.optim.lr_scheduler.StepLR': { make: ctor(S.StepLR), req: () => [sgd(), 2], opt: [0.5] },
  'torch.optim.lr_scheduler.MultiStepLR': { make: ctor(S.MultiStepLR), req: () => [sgd(), [1, 3]], opt: [0.5] },
  'torch.optim.lr_scheduler.ExponentialLR': { make: ctor(S.ExponentialLR), req: () => [sgd(), 0.9], opt: [] },
  'torch.optim.lr_scheduler.PolynomialLR': { make: ctor(S.PolynomialLR), req: () => [sgd()], opt: [4, 2] },
  'torch.optim.lr_scheduler.ConstantLR': { make: ctor(S.ConstantLR), req: () => [sgd()], opt: [0.5, 3] },
  'torch.optim.lr_scheduler.LinearLR': { make: ctor(S.LinearLR), req: () => [sgd()], opt: [0.5, 0.9, 3] },
  'torch.optim.lr_scheduler.CosineAnnealingLR': { make: ctor(S.CosineAnnealingLR), req: () => [sgd(), 10], opt: [0.01] },
  'torch.optim.lr_scheduler.CosineAnnealingWarmRestarts': { make: ctor(S.CosineAnnealingWarmRestarts), req: () => [sgd(), 3], opt: [2, 0.01] },
  'torch.optim.lr_scheduler.LambdaLR': { make: ctor(S.LambdaLR), req: () => [sgd(), (e: number) => 0.5 ** e], opt: [-1] },
  'torch.optim.lr_scheduler.MultiplicativeLR': { make: ctor(S.MultiplicativeLR), req: () => [sgd(), () => 0.5], opt: [-1] },
  'torch.optim.lr_scheduler.SequentialLR': {
    make: ctor(S.SequentialLR), req: () => { const o = sgd(); return [o, [new S.ConstantLR(o, 0.5), new S.ExponentialLR(o, 0.9)], [2]]; }, opt: [-1],
  },
  'torch.optim.lr_scheduler.ChainedScheduler': { make: ctor(S.ChainedScheduler), req: () => { const o = sgd(); return [[new S.ConstantLR(o, 0.5), new S.ExponentialLR(o, 0.9)]]; }, opt: [] },
  'torch.optim.lr_scheduler.OneCycleLR': { make: ctor(S.OneCycleLR), req: () => [sgd(), 0.5], opt: [20, null, null, 0.25, 'linear', false] },
  'torch.optim.lr_scheduler.ReduceLROnPlateau': { make: ctor(S.ReduceLROnPlateau), req: () => [sgd()], opt: ['max', 0.5, 2, 0.01, 'abs', 1, 1e-4] },
  'torch.utils.data.Subset': { make: (...a) => [...(ctor(ck.data.Subset)(...a) as ck.data.Subset<unknown>).indices], req: () => [new ck.data.TensorDataset(ck.arange(5)), [3, 1]], opt: [] },
  'torch.utils.data.random_split': {
    make: (...a) => (fn(ck.data.randomSplit)(...a) as ck.data.Subset<unknown>[]).map((s) => s.indices),
    req: () => [new ck.data.TensorDataset(ck.arange(6)), [4, 2]], opt: () => [new ck.Generator(3)],
  },
  'torch.utils.data.DataLoader': {
    make: (...a) => [...(ctor(ck.data.DataLoader)(...a) as Iterable<ck.Tensor[]>)].map((b) => b[0]),
    req: () => [new ck.data.TensorDataset(ck.arange(7))], opt: () => [3, true, null, null, 0, null, false, true, 0, null, null, new ck.Generator(1)],
  },
  'torchvision.transforms.functional.to_tensor': { make: fn(TF.toTensor), req: () => [new ck.data.Image(Uint8Array.from([0, 255, 128, 64]), 2, 2, 1)], opt: [] },
  'torchvision.transforms.functional.normalize': { make: fn(TF.normalize), req: () => [img(), [0.5, 0.4, 0.3], [0.2, 0.2, 0.2]], opt: [false] },
  'torchvision.transforms.functional.pad': { make: fn(TF.pad), req: () => [img(), [1, 2]], opt: [0.5, 'constant'] },
  'torchvision.transforms.functional.crop': { make: fn(TF.crop), req: () => [img(), 1, 2, 3, 4], opt: [] },
  'torchvision.transforms.functional.center_crop': { make: fn(TF.centerCrop), req: () => [img(), 4], opt: [] },
  'torchvision.transforms.functional.hflip': { make: fn(TF.hflip), req: () => [img()], opt: [] },
  'torchvision.transforms.functional.vflip': { make: fn(TF.vflip), req: () => [img()], opt: [] },
  'torchvision.transforms.functional.resize': { make: fn(TF.resize), req: () => [img(), [5, 6]], opt: ['nearest'] },
  'torchvision.transforms.functional.affine': { make: fn(TF.affine), req: () => [img(), 30, [1, 0], 1.2, 5], opt: ['bilinear', 0.5] },
  'torchvision.transforms.Compose': { make: ctor(T.Compose), req: () => [[new T.CenterCrop(4)]], opt: [] },
  'torchvision.transforms.Lambda': { make: (...a) => (ctor(T.Lambda)(...a) as ck.data.transforms.Lambda<number, number>).forward(2), req: () => [(v: number) => v * 3], opt: [] },
  'torchvision.transforms.ToTensor': { make: ctor(T.ToTensor), req: () => [], opt: [] },
  'torchvision.transforms.Normalize': { make: ctor(T.Normalize), req: () => [[0.5], [0.2]], opt: [false] },
  'torchvision.transforms.Pad': { make: ctor(T.Pad), req: () => [2], opt: [3, 'edge'] },
  'torchvision.transforms.Resize': { make: ctor(T.Resize), req: () => [10], opt: ['nearest', 20] },
  'torchvision.transforms.CenterCrop': { make: ctor(T.CenterCrop), req: () => [10], opt: [] },
  'torchvision.transforms.RandomCrop': { make: ctor(T.RandomCrop), req: () => [32], opt: [4, true, 1, 'reflect'] },
  'torchvision.transforms.RandomHorizontalFlip': { make: ctor(T.RandomHorizontalFlip), req: () => [], opt: [0.3] },
  'torchvision.transforms.RandomVerticalFlip': { make: ctor(T.RandomVerticalFlip), req: () => [], opt: [0.3] },
  'torchvision.transforms.RandomAffine': { make: ctor(T.RandomAffine), req: () => [10], opt: [[0.1, 0.2], [0.9, 1.1], 5, 'nearest', 0.5, [3, 3]] },
  MNIST: { make: ctor(ck.data.MNIST), req: () => [idx([1, 2, 2], [1, 2, 3, 4]), idx([1], [7])], opt: [null, (t: number) => t + 1] },
  FashionMNIST: { make: ctor(ck.data.FashionMNIST), req: () => [idx([1, 2, 2], [1, 2, 3, 4]), idx([1], [7])], opt: [new T.ToTensor()] },
  CIFAR10: { make: ctor(ck.data.CIFAR10), req: () => [[{ labels: Uint8Array.from([3]), images: new Uint8Array(3072) }]], opt: [new T.ToTensor()] },
  loadFashionMNIST: { make: (...a) => loaded(fn(ck.data.loadFashionMNIST)(...a)), req: () => [], opt: [SLICE, false, new T.ToTensor(), (t: number) => t + 10] },
  loadMNIST: { make: (...a) => loaded(fn(ck.data.loadMNIST)(...a)), req: () => [], opt: [SLICE, false, new T.ToTensor(), (t: number) => t + 10] },
  loadCIFAR10: { make: (...a) => loaded(fn(ck.data.loadCIFAR10)(...a)), req: () => [files], opt: [false, new T.ToTensor(), (t: number) => t + 10] },
  'torch.utils.data.TensorDataset': { make: (...a) => (ctor(ck.data.TensorDataset)(...a) as ck.data.TensorDataset).tensors, req: () => [ck.arange(3), ck.ones([3, 2])], opt: [] },
  'torchvision.datasets.MNIST': { make: (...a) => loaded(ctor(ck.data.MNIST)(...a)), req: () => [SLICE], opt: [false, new T.ToTensor(), (t: number) => t + 10] },
  'torchvision.datasets.FashionMNIST': { make: (...a) => loaded(ctor(ck.data.FashionMNIST)(...a)), req: () => [SLICE], opt: [false, new T.ToTensor(), (t: number) => t + 10] },
  'torchvision.datasets.CIFAR10': { make: (...a) => loaded(ctor(ck.data.CIFAR10)(...a)), req: () => [files], opt: [false, new T.ToTensor(), (t: number) => t + 10] },
  ImageFolder: { make: (...a) => summary(ctor(ck.data.ImageFolder)(...a)), req: () => [join(files, 'images')], opt: [new T.ToTensor(), (t: number) => t + 1] },
  // issue 13 item 4: ordering, masks, indexing, rearranging ops and the layers around them
  'torch.sort': { make: fn(ck.sort), req: () => [ck.randn([3, 4])], opt: [0, true, true] },
  'torch.argsort': { make: fn(ck.argsort), req: () => [ck.randn([3, 4])], opt: [0, true, true] },
  'torch.topk': { make: fn(ck.topk), req: () => [ck.randn([3, 4]), 2], opt: [0, false, true] },
  'torch.unique': { make: fn(ck.unique), req: () => [ck.tensor([3, 1, 3, 2], { dtype: 'int32' })], opt: [true, true, true, 0] },
  'torch.masked_fill': { make: fn(ck.maskedFill), req: () => [ck.randn([3, 4]), ck.randn([3, 4]).gt(0), 2], opt: [] },
  'torch.masked_fill_': { make: fn(ck.maskedFill_), req: () => [ck.randn([3, 4]), ck.randn([4]).gt(0), 2], opt: [] },
  'torch.scatter': { make: fn(ck.scatter), req: () => [ck.randn([3, 4]), 1, ck.tensor([[2], [0], [3]], { dtype: 'int32' }), ck.randn([3, 1])], opt: [] },
  'torch.scatter_': { make: fn(ck.scatter_), req: () => [ck.randn([3, 4]), 0, ck.tensor([[2, 0, 1, 1]], { dtype: 'int32' }), 5], opt: ['add'] },
  'torch.nonzero': { make: fn(ck.nonzero), req: () => [ck.randn([3, 4]).gt(0)], opt: [] },
  'torch.masked_select': { make: fn(ck.maskedSelect), req: () => [ck.randn([3, 4]), ck.randn([3, 4]).gt(0)], opt: [] },
  'torch.index_put': { make: fn(ck.indexPut), req: () => [ck.randn([3, 4]), [ck.tensor([0, 0, 2], { dtype: 'int32' })], ck.randn([4])], opt: [true] },
  'torch.index_put_': { make: fn(ck.indexPut_), req: () => [ck.randn([3, 4]), [ck.tensor([1, 1], { dtype: 'int32' })], ck.randn([4])], opt: [true] },
  'torch.nn.functional.one_hot': { make: fn(F.oneHot), req: () => [ck.tensor([0, 2], { dtype: 'int32' })], opt: [5] },
  'torch.norm': { make: fn(ck.norm), req: () => [ck.randn([3, 4])], opt: [1, 1, true] },
  'torch.nn.functional.normalize': { make: fn(F.normalize), req: () => [ck.randn([3, 4])], opt: [1, 0, 0.5] },
  'torch.roll': { make: fn(ck.roll), req: () => [ck.randn([3, 4]), 1], opt: [1] },
  'torch.cumsum': { make: fn(ck.cumsum), req: () => [ck.randn([3, 4]), 1], opt: [] },
  'torch.mm': { make: fn(ck.mm), req: () => [ck.randn([3, 4]), ck.randn([4, 2])], opt: [] },
  'torch.bmm': { make: fn(ck.bmm), req: () => [ck.randn([2, 3, 4]), ck.randn([2, 4, 2])], opt: [] },
  'torch.nn.functional.interpolate': { make: fn(F.interpolate), req: () => [ck.randn([1, 2, 3, 3])], opt: [null, 2, 'bicubic', true, true] },
  'torch.nn.functional.pixel_shuffle': { make: fn(F.pixelShuffle), req: () => [ck.randn([1, 8, 2, 2]), 2], opt: [] },
  'torch.nn.functional.pixel_unshuffle': { make: fn(F.pixelUnshuffle), req: () => [ck.randn([1, 2, 4, 4]), 2], opt: [] },
  'torch.nn.functional.layer_norm': { make: fn(F.layerNorm), req: () => [ck.randn([2, 3, 4]), [3, 4]], opt: () => [ck.randn([3, 4]), ck.randn([3, 4]), 0.5] },
  'torch.nn.functional.group_norm': { make: fn(F.groupNorm), req: () => [ck.randn([2, 4, 3]), 2], opt: () => [ck.randn([4]), ck.randn([4]), 0.5] },
  'torch.nn.functional.instance_norm': { make: fn(F.instanceNorm), req: () => [ck.randn([2, 3, 4])], opt: () => [ck.zeros([3]), ck.ones([3]), ck.randn([3]), ck.randn([3]), false, 0.3, 0.5] },
  'torch.nn.functional.hardsigmoid': { make: fn(F.hardsigmoid), req: () => [ck.randn([5]).mul(4)], opt: [] },
  'torch.nn.functional.hardswish': { make: fn(F.hardswish), req: () => [ck.randn([5]).mul(4)], opt: [] },
  'torch.nn.functional.mish': { make: fn(F.mish), req: () => [ck.randn([5])], opt: [] },
  'torch.nn.functional.prelu': { make: fn(F.prelu), req: () => [ck.randn([2, 3]), ck.randn([3])], opt: [] },
  'torch.nn.functional.embedding': { make: fn(F.embedding), req: () => [ck.tensor([0, 2, 2], { dtype: 'int32' }), ck.randn([4, 3])], opt: [2, 0.5, 1] },
  'torch.nn.LayerNorm': { make: ctor(nn.LayerNorm), req: () => [[3, 4]], opt: [1e-3, false] },
  'torch.nn.GroupNorm': { make: ctor(nn.GroupNorm), req: () => [2, 6], opt: [1e-3, false] },
  'torch.nn.InstanceNorm1d': { make: ctor(nn.InstanceNorm1d), req: () => [3], opt: [1e-3, 0.2, true, true] },
  'torch.nn.InstanceNorm2d': { make: ctor(nn.InstanceNorm2d), req: () => [3], opt: [1e-3, 0.2, true, true] },
  'torch.nn.InstanceNorm3d': { make: ctor(nn.InstanceNorm3d), req: () => [3], opt: [1e-3, 0.2, true, true] },
  'torch.nn.PReLU': { make: ctor(nn.PReLU), req: () => [], opt: [3, 0.1] },
  'torch.nn.Hardswish': { make: ctor(nn.Hardswish), req: () => [], opt: [true] },
  'torch.nn.Hardsigmoid': { make: ctor(nn.Hardsigmoid), req: () => [], opt: [true] },
  'torch.nn.Mish': { make: ctor(nn.Mish), req: () => [], opt: [true] },
  'torch.nn.Upsample': { make: ctor(nn.Upsample), req: () => [], opt: [null, 2, 'bilinear', true, true] },
  'torch.nn.UpsamplingNearest2d': { make: ctor(nn.UpsamplingNearest2d), req: () => [], opt: [[4, 6]] },
  'torch.nn.UpsamplingBilinear2d': { make: ctor(nn.UpsamplingBilinear2d), req: () => [], opt: [null, 3] },
  'torch.nn.PixelShuffle': { make: ctor(nn.PixelShuffle), req: () => [2], opt: [] },
  'torch.nn.PixelUnshuffle': { make: ctor(nn.PixelUnshuffle), req: () => [3], opt: [] },
  'torch.nn.Embedding': { make: ctor(nn.Embedding), req: () => [5, 3], opt: [1, 2, 1] },
  'torch.nn.Embedding.from_pretrained': { make: fn(nn.Embedding.fromPretrained), req: () => [ck.randn([4, 3])], opt: [false, 1, 0.5] },
  'torch.save': { make: () => 'exercised in test/io/save-load.test.ts (writes files)', req: () => [], opt: [] },
  'torch.load': { make: () => 'exercised in test/io/save-load.test.ts (reads files)', req: () => [], opt: [] },
  ...TENSOR_CASES,
};

/** What a call produced, comparably: values of tensors, printed modules, the options an object holds. */
function summary(v: unknown, depth = 0): unknown {
  if (v instanceof ck.Tensor) return { shape: v.shape, dtype: v.dtype, data: Array.from(v.dataSync()) };
  if (v instanceof nn.Module) {
    const fields = Object.entries(v).filter(([, f]) => f === null || ['number', 'string', 'boolean'].includes(typeof f));
    return { repr: v.toString(), state: summary(v.stateDict(), depth + 1), fields: Object.fromEntries(fields) };
  }
  if (Array.isArray(v)) return v.map((e) => summary(e, depth + 1));
  if (typeof v === 'function') return `function ${v.name}`;
  if (v !== null && typeof v === 'object' && depth < 3) {
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'optimizer').map(([k, e]) => [k, summary(e, depth + 1)]));
  }
  return v;
}

/** The options form of a positional call: required values stay, the optional ones move into an object by name. */
function asOptions(sig: Signature, req: unknown[], opt: unknown[]): unknown[] {
  return [...req, Object.fromEntries(opt.map((v, i) => [sig.optional[i][0], v]))];
}

/** Runs a call with the same random stream each time (dropout, init, shuffling). */
function seeded(make: () => unknown): unknown {
  ck.manualSeed(7);
  return summary(make());
}

const FILE_ONLY = new Set(['torch.save', 'torch.load']);
/** Cases whose optional parameters change nothing observable here (inplace flags: convkit computes out of place). */
const INERT = new Set([
  'torch.nn.functional.relu', 'torch.nn.functional.relu6', 'torch.nn.functional.silu', 'torchvision.transforms.functional.normalize', 'torchvision.transforms.Normalize',
  // lastEpoch -1 is the only value that does not resume a run
  'torch.optim.lr_scheduler.LambdaLR', 'torch.optim.lr_scheduler.MultiplicativeLR', 'torch.optim.lr_scheduler.SequentialLR',
]);

test('every signature has a case below, and every case a signature', () => {
  assert.deepEqual([...signatures.keys()].filter((k) => !(k in CASES)), []);
  assert.deepEqual(Object.keys(CASES).filter((k) => !signatures.has(k)), []);
});

test('the positional and the options form agree, for every public callable', () => {
  const failures: string[] = [];
  for (const [key, c] of Object.entries(CASES)) {
    try {
      agree(key, c);
    } catch (e) {
      failures.push(`${key}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  assert.deepEqual(failures, []);
});

function agree(key: string, c: Case): void {
  {
    if (FILE_ONLY.has(key)) return;
    const sig = signatures.get(key)!;
    assert.ok(optOf(c).length <= sig.optional.length, `${key}: more sample values than parameters`);
    const positional = seeded(() => { ck.manualSeed(1); const r = c.req(); ck.manualSeed(7); return c.make(...r, ...optOf(c)); });
    const named = seeded(() => { ck.manualSeed(1); const r = c.req(); ck.manualSeed(7); return c.make(...asOptions(sig, r, optOf(c))); });
    assert.deepEqual(named, positional, key);
    if (optOf(c).length > 0 && !INERT.has(key)) {
      // the sample values are not the defaults, so a form that dropped them would differ here (or fail: SGD needs lr)
      let defaults: unknown;
      try {
        defaults = seeded(() => { ck.manualSeed(1); const r = c.req(); ck.manualSeed(7); return c.make(...r); });
      } catch {
        return;
      }
      assert.notDeepEqual(defaults, positional, `${key}: the optional sample values change nothing`);
    }
  }
}

test('an unknown option, a wrong type and too many arguments are refused, naming the callable and the parameter', () => {
  const failures: string[] = [];
  for (const [key, c] of Object.entries(CASES)) {
    try {
      refuse(key, c);
    } catch (e) {
      failures.push(`${key}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  assert.deepEqual(failures, []);
});

/** torch's Identity(*args, **kwargs) ignores whatever it is given; convkit's does the same, so nothing is refused. */
const ACCEPTS_ANYTHING = new Set(['torch.nn.Identity']);

function refuse(key: string, c: Case): void {
  {
    if (ACCEPTS_ANYTHING.has(key)) return;
    const sig = signatures.get(key)!;
    const req = FILE_ONLY.has(key) ? ['model.safetensors'] : (ck.manualSeed(1), c.req());
    const call = (...a: unknown[]) => (FILE_ONLY.has(key) ? (key === 'torch.save' ? ck.save : ck.load) as (...args: unknown[]) => unknown : c.make)(...a);
    const name = sig.name.replace('.', '\\.');
    if (key === 'torch.save') req.unshift({});
    assert.throws(() => call(...req, { strides: 2 }), new RegExp(`^TypeError: ${name}: unknown option 'strides'`), `${key}: unknown option`);
    const slots = sig.required.length + sig.optional.length;
    // varargs (torch's *size, *tensors) take any number of positional values
    if (!sig.rest) assert.throws(() => call(...req, ...new Array(slots - req.length + 1).fill(undefined)), new RegExp(`${name}: takes at most ${slots} positional argument`), `${key}: too many`);
    if (sig.rest) assert.throws(() => call(...req, Symbol('wrong')), new RegExp(`${name}: expected ${sig.rest[0]} to be .*, got a Symbol`), `${key}: wrong varargs value`);
    const [wrong] = sig.optional.length ? sig.optional : sig.required;
    if (!wrong || wrong[1].test(Symbol('x'))) return;
    const at = sig.optional.length ? req.length : 0;
    const args = [...req];
    args[at] = Symbol('wrong');
    assert.throws(() => call(...args), new RegExp(`${name}: expected ${wrong[0]} to be .*, got a Symbol`), `${key}: wrong type`);
  }
}

test('typos get a suggestion; a parameter given twice and a missing one are errors', () => {
  assert.throws(() => new nn.Conv2d(3, 16, 3, { strides: 2 } as never), /Conv2d: unknown option 'strides' \(did you mean 'stride'\?\); its options are stride, padding/);
  assert.throws(() => new nn.Conv2d(3, 16, 3, { padding_mode: 'reflect' } as never), /did you mean 'paddingMode'/);
  assert.throws(() => new nn.Conv2d(3, 16, 3, 2, { stride: 1 }), /Conv2d: got stride twice, as positional argument 4 and in the options/);
  assert.throws(() => new (nn.Conv2d as unknown as new (...a: unknown[]) => unknown)(3, 16), /Conv2d: missing required argument kernelSize/);
  assert.throws(() => new nn.Dropout('0.2' as never), /Dropout: expected p to be a number, got '0.2' \(a string\)/);
  assert.throws(() => new nn.Linear(3, 4, 'yes' as never), /Linear: expected bias to be a boolean/);
  assert.throws(() => F.relu(ck.randn([2]), true, 3 as never), /relu: takes at most 2 positional arguments \(input, inplace\)/);
});

test('the issue\'s silently misread calls now mean what PyTorch means', () => {
  assert.equal(new nn.Dropout(0.2).toString(), 'Dropout(p=0.2, inplace=False)');
  assert.equal(new nn.MaxPool2d(2, 1).toString(), 'MaxPool2d(kernel_size=2, stride=1, padding=0, dilation=1, ceil_mode=False)');
  assert.match(new nn.Conv2d(3, 16, 5, 2).toString(), /stride=\(2, 2\)/);
  assert.equal(new nn.BatchNorm2d(4, 1e-3).eps, 1e-3);
  assert.equal(new nn.LeakyReLU(0.2).negativeSlope, 0.2);
  assert.equal(new optim.Adam(params(), 0.01).paramGroups[0].lr, 0.01);
  assert.deepEqual(new optim.Adam(params(), 0.01, [0.5, 0.9]).paramGroups[0].betas, [0.5, 0.9]);
  assert.equal(new S.StepLR(sgd(), 2, 0.5).gamma, 0.5);
  const w = nn.init.normal_(ck.empty([4000]), 0, 0.01);
  assert.ok(w.std().item() < 0.02);
  const x = ck.ones([100]);
  assert.deepEqual(Array.from(F.dropout(x, 0.5, false).dataSync()), Array.from(x.dataSync()));
  const weight = ck.tensor([1, 0, 0]);
  assert.equal(new nn.CrossEntropyLoss(weight).weight, weight);
  // biased variance of [1, 2, 3, 4]: 1.25 (PyTorch's x.var(0, False)); unbiased 5/3
  const v = ck.tensor([[1, 2, 3, 4]]);
  assert.ok(Math.abs(v.var(1, false).item() - 1.25) < 1e-6);
  assert.ok(Math.abs(v.var(1).item() - 5 / 3) < 1e-6);
  assert.ok(Math.abs(v.var(false).item() - 1.25) < 1e-6);
  assert.equal(new ck.data.DataLoader(new ck.data.TensorDataset(ck.arange(8)), 4).length, 2);
  assert.deepEqual(new T.RandomCrop(32, 4).opts.padding, 4);
  const conv = new nn.Conv2d(16, 32, 3, 1, 1, 1, 2, false, 'reflect');
  assert.equal(conv.toString(), new nn.Conv2d(16, 32, 3, { stride: 1, padding: 1, dilation: 1, groups: 2, bias: false, paddingMode: 'reflect' }).toString());
});

test('exported nn, functional, init, optim, scheduler, data and transform callables carry a signature', () => {
  // not PyTorch callables, or taking only what PyTorch takes positionally already
  const exempt = new Set([
    'Module', 'Parameter', 'Sequential', 'ModuleList', 'ModuleDict', 'RemovableHandle', 'checkReduction', 'batchNormThen', 'calculateFanInAndFanOut',
    'Optimizer', 'LRScheduler', 'Dataset', 'TensorDataset', 'Image', 'LabelledImages', 'defaultCollate', 'parseIdx', 'encodeIdx',
    'isGzip', 'parseCifarBatch',
    // convkit/node's byte helpers
    'decodeImage', 'encodePng', 'readMaybeGzip', 'Transform', 'applyTransform', 'inverseAffineMatrix', 'paddingLTRB', 'resizedSize', 'roundHalfEven', 'sizeHW',
  ]);
  const missing: string[] = [];
  const scopes = { nn, F, init: nn.init, utils: nn.utils, optim, S, data: ck.data, T, TF } as Record<string, Record<string, unknown>>;
  for (const [scope, mod] of Object.entries(scopes)) {
    for (const [name, v] of Object.entries(mod)) {
      if (typeof v === 'function' && !exempt.has(name) && !signatureOf(v)) missing.push(`${scope}.${name}`);
    }
  }
  assert.deepEqual(missing, []);
});

/** Tensor methods that are their op with the tensor first (`x.var(1, false)` is `var(x, 1, false)`): the same check through the method. */
function methodOf(sig: Signature): string | undefined {
  const name = sig.name;
  const first = sig.required[0]?.[0];
  const proto = ck.Tensor.prototype as unknown as Record<string, unknown>;
  const op = (ck as unknown as Record<string, unknown>)[name];
  const same = typeof op === 'function' && signatureOf(op) === sig;
  return same && (first === 'input' || first === 'tensor') && typeof proto[name] === 'function' ? name : undefined;
}

test('Tensor methods take the same positional parameters and options as their functions', () => {
  const failures: string[] = [];
  let checked = 0;
  for (const [key, c] of Object.entries(CASES)) {
    const sig = signatures.get(key);
    const method = sig && methodOf(sig);
    if (!sig || !method || FILE_ONLY.has(key)) continue;
    const run = (args: unknown[]) => ((args[0] as Record<string, (...a: unknown[]) => unknown>)[method])(...args.slice(1));
    try {
      const viaFunction = seeded(() => { ck.manualSeed(1); const r = c.req(); ck.manualSeed(7); return c.make(...r, ...optOf(c)); });
      const viaMethod = seeded(() => { ck.manualSeed(1); const r = c.req(); ck.manualSeed(7); return run([...r, ...optOf(c)]); });
      const viaOptions = seeded(() => { ck.manualSeed(1); const r = c.req(); ck.manualSeed(7); return run(asOptions(sig, r, optOf(c))); });
      assert.deepEqual(viaMethod, viaFunction);
      assert.deepEqual(viaOptions, viaFunction);
      ck.manualSeed(1);
      const r = c.req();
      assert.throws(() => run([...r, { strides: 2 }]), new RegExp(`${sig.name.replace('.', '\\.')}: unknown option 'strides'`));
      checked++;
    } catch (e) {
      failures.push(`Tensor.${method} (${key}): ${(e as Error).message.split('\n')[0]}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(checked >= 100, `only ${checked} methods checked`);
});

/**
 * The public surface, derived from the exports: every function ck exports and every Tensor method goes through a
 * signature (so the two tests above cover it), or is listed here with the reason it has none. A new export
 * without a signature fails this test.
 */
const NOT_TORCH_CALLABLES: Record<string, string> = {
  Tensor: 'the class; tensors are made with ck.tensor and the creation functions',
  Generator: 'convkit\'s seedable generator (new Generator(seed)); torch.Generator takes a device',
  RemovableHandle: 'returned by the hook registrations, not constructed by users',
  Function: 'the base class of custom autograd functions (subclassed, not called)',
  FunctionCtx: 'the ctx handed to autograd.Function.forward, not constructed by users',
  noGrad: 'torch.no_grad is a context manager; ck.noGrad(fn) takes the block as a callback and refuses async ones',
  enableGrad: 'as noGrad',
  isGradEnabled: 'no parameters',
  manualSeed: 'one parameter, validated (an integer seed)',
  setBackend: 'convkit runtime: backends', getBackend: 'convkit runtime: backends', ready: 'convkit runtime: backends',
  withBackend: 'convkit runtime: backends', registerBackend: 'convkit runtime: backends', registerLazyBackend: 'convkit runtime: backends',
  backendNames: 'convkit runtime: backends', setNumThreads: 'convkit runtime: threads', getNumThreads: 'convkit runtime: threads',
  scope: 'convkit runtime: device memory', keep: 'convkit runtime: device memory', memoryStats: 'convkit runtime: device memory',
  summary: 'torchinfo-style model summary (convkit\'s own options object)', fuse: 'convkit\'s inference fusion (no torch counterpart)',
  // building blocks the ops layer exports through `export *`; not torch callables
  sumToShape: 'gradient helper (reduces a broadcast gradient to a shape)', valuesIndices: 'builds the (values, indices) tuple results',
  advancedIndex: 'the implementation behind x.index(...)', reversedDims: 'the implementation behind x.T', matrixTranspose: 'the implementation behind x.mT',
};
/** Methods that are not an op with the tensor first, and why. */
const METHOD_REASONS: Record<string, string> = {
  where: 'x.where(condition, y) is where(condition, x, y): the tensor is the second argument of the function',
  float: 'x.to(\'float32\'); refuses arguments', double: 'x.to(\'float64\'); refuses arguments', int: 'x.to(\'int32\'); refuses arguments',
  bool: 'x.to(\'bool\'); refuses arguments', long: 'x.to(\'int32\') (convkit\'s index dtype)',
  tolist: 'no parameters', registerHook: 'one hook function, validated', requiresGrad_: 'one boolean, as torch', retainGrad: 'no parameters',
  attachGradFn: 'engine internals', dim: 'no parameters', size: 'x.size() or x.size(dim)', numel: 'no parameters', isContiguous: 'no parameters',
  dense: 'storage internals', dataSync: 'no parameters', readNow: 'storage internals', data: 'no parameters (async read)', dispose: 'no parameters',
  toArray: 'no parameters', item: 'no parameters', array: 'no parameters (async read)', backward: 'torch.Tensor.backward(gradient, retain_graph, create_graph)',
  toString: 'JavaScript text conversion', constructor: 'the class',
};

test('every exported function and Tensor method has a signature (with a case above) or a stated reason', () => {
  const missing: string[] = [];
  for (const [name, v] of Object.entries(ck)) {
    if (typeof v !== 'function' || name in NOT_TORCH_CALLABLES) continue;
    const sig = signatureOf(v);
    if (!sig) missing.push(`ck.${name}: no signature`);
    else if (!(( sig.torch ?? sig.name) in CASES)) missing.push(`ck.${name}: no case`);
  }
  for (const name of Object.getOwnPropertyNames(ck.Tensor.prototype)) {
    const d = Object.getOwnPropertyDescriptor(ck.Tensor.prototype, name)!;
    if (typeof d.value !== 'function' || name in METHOD_REASONS) continue;
    const op = (ck as unknown as Record<string, unknown>)[name];
    const sig = typeof op === 'function' ? signatureOf(op) : undefined;
    if (!sig || methodOf(sig) !== name) missing.push(`Tensor.${name}: no op with a signature of the same name`);
  }
  assert.deepEqual(missing, []);
});

test('nn.Identity accepts and ignores any arguments, as torch.nn.Identity(*args, **kwargs)', () => {
  const id = new nn.Identity(54, 'x', { unused: 'abc' });
  const x = ck.randn([2, 3]);
  assert.equal(id.call(x), x);
  assert.equal(id.toString(), 'Identity()');
});

test('data set classes take torchvision\'s (root, train, transform, targetTransform, download); download: true is refused', () => {
  const ds = new ck.data.FashionMNIST(SLICE, false, new T.ToTensor());
  const parsed = ck.data.loadFashionMNIST(SLICE, false, new T.ToTensor());
  assert.equal(ds.length, parsed.length);
  assert.equal(ds.root, parsed.root);
  assert.deepEqual(summary(ds.getItem(3)), summary(parsed.getItem(3)));
  assert.throws(() => new ck.data.FashionMNIST(SLICE, true, null, null, true), /FashionMNIST: convkit never downloads data \(download: true was given\)\. Install them with `apt-get install dataset-fashion-mnist`/);
  assert.throws(() => new ck.data.MNIST('data', true, null, null, true), /MNIST: convkit never downloads data.*MNIST database's site/);
  assert.throws(() => new ck.data.CIFAR10(files, true, null, null, true), /CIFAR10: convkit never downloads data.*cifar-10-binary\.tar\.gz/);
  assert.throws(() => new ck.data.MNIST(join(files, 'nothing-here')), /MNIST: no training data found\. Looked in: .*nothing-here \(no such directory\)/);
});

test('TensorDataset(*tensors) checks each tensor', () => {
  assert.throws(() => new ck.data.TensorDataset(ck.ones([2]), 3 as never), /TensorDataset: expected tensors to be a Tensor, got 3 \(a number\)/);
  assert.throws(() => new ck.data.TensorDataset(), /TensorDataset: expected at least one tensor/);
});

test('tensor functions: *size varargs, keyword-only options, and the values PyTorch gives', () => {
  const same = (a: ck.Tensor, b: ck.Tensor) => assert.deepEqual(summary(a), summary(b));
  same(ck.zeros(2, 3), ck.zeros([2, 3]));
  same(ck.zeros(2, 3), ck.zeros({ size: [2, 3] }));
  assert.equal(ck.ones(2, 3, { dtype: 'int32' }).dtype, 'int32');
  assert.throws(() => ck.zeros(), /zeros: missing required argument size/);
  assert.throws(() => ck.zeros(2, [3]), /zeros: expected sizes as integers \(2, 3\) or one array/);
  assert.throws(() => ck.zeros([2], { size: [3] }), /zeros: got size twice, as positional arguments and in the options/);
  const x = ck.tensor([[1, 2], [3, 4]]);
  same(x.view(4), x.view([4]));
  same(x.permute(1, 0), ck.permute(x, [1, 0]));
  same(x.expand(2, 2, 2), ck.expand(x, [2, 2, 2]));
  // torch.add(x, 1, alpha=2) = x + 2; torch.div(-7, 2, rounding_mode='trunc') = -3, 'floor' = -4
  assert.deepEqual(Array.from(ck.add(x, 1, { alpha: 2 }).dataSync()), [3, 4, 5, 6]);
  assert.deepEqual(Array.from(ck.sub(x, x, { alpha: 0.5 }).dataSync()), [0.5, 1, 1.5, 2]);
  assert.deepEqual(Array.from(ck.tensor([-7, 7]).div(2, { roundingMode: 'trunc' }).dataSync()), [-3, 3]);
  assert.deepEqual(Array.from(ck.tensor([-7, 7]).div(2, { roundingMode: 'floor' }).dataSync()), [-4, 3]);
  assert.deepEqual(Array.from(ck.zeros(3).add_(ck.ones(3), { alpha: 3 }).dataSync()), [3, 3, 3]);
  assert.equal(ck.resultType(2, 2.5), 'float32');
  assert.equal(ck.resultType(ck.tensor([1], { dtype: 'int32' }), 2), 'int32');
  // the silent misreads of a fixed-arity method are errors now
  assert.throws(() => x.clamp(0, 1, 2 as never), /clamp: takes at most 3 positional arguments \(input, min, max\)/);
  assert.throws(() => (x as unknown as { float(a: unknown): unknown }).float(1), /Tensor\.float: takes no arguments/);
  assert.throws(() => x.transpose(0, { dim: 1 } as never), /transpose: unknown option 'dim' \(did you mean 'dim0'\?\)/);
  assert.throws(() => ck.cat([x, x], { axis: 1 } as never), /cat: unknown option 'axis'; its options are dim/);
});
