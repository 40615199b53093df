/**
 * Issue 13 item 4's layers against PyTorch (test/fixtures/nn_more.json from tools/gen_ops_more_fixtures.py):
 * forward, input and parameter gradients, buffers after the forward passes, and the printed module.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertClose, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';

const { nn } = ck;

interface LayerCase {
  name: string;
  train: boolean;
  state: Record<string, TensorSpec>;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  gradOutput: TensorSpec;
  inputGrad: TensorSpec | null;
  paramGrads: Record<string, TensorSpec>;
  stateAfter: Record<string, TensorSpec>;
  repr: string;
}

/** The convkit transcription of each PyTorch constructor in the generator, positional and options forms mixed. */
const LAYERS: Record<string, () => ck.nn.Module> = {
  'LayerNorm(5)': () => new nn.LayerNorm(5),
  'LayerNorm((3,4), eps=1e-3)': () => new nn.LayerNorm([3, 4], 1e-3),
  'LayerNorm(4, elementwise_affine=False)': () => new nn.LayerNorm(4, { elementwiseAffine: false }),
  'GroupNorm(2,6)': () => new nn.GroupNorm(2, 6),
  'GroupNorm(3,6,affine=False)': () => new nn.GroupNorm(3, 6, { affine: false }),
  'InstanceNorm1d(3)': () => new nn.InstanceNorm1d(3),
  'InstanceNorm2d(3, affine=True)': () => new nn.InstanceNorm2d(3, { affine: true }),
  'InstanceNorm2d(3) unbatched': () => new nn.InstanceNorm2d(3),
  'InstanceNorm2d(3, track_running_stats=True) train': () => new nn.InstanceNorm2d(3, { trackRunningStats: true }),
  'InstanceNorm2d(3, track_running_stats=True) eval': () => new nn.InstanceNorm2d(3, 1e-5, 0.2, false, true),
  'InstanceNorm3d(2, affine=True)': () => new nn.InstanceNorm3d(2, { affine: true }),
  'PReLU()': () => new nn.PReLU(),
  'PReLU(3)': () => new nn.PReLU(3),
  Hardswish: () => new nn.Hardswish(),
  Hardsigmoid: () => new nn.Hardsigmoid(),
  Mish: () => new nn.Mish(),
  'PixelShuffle(2)': () => new nn.PixelShuffle(2),
  'PixelUnshuffle(2)': () => new nn.PixelUnshuffle(2),
  'Embedding(10,3)': () => new nn.Embedding(10, 3),
  'Embedding(10,3,padding_idx=2)': () => new nn.Embedding(10, 3, { paddingIdx: 2 }),
  'Embedding(6,4,max_norm=1.0)': () => new nn.Embedding(6, 4, null, 1),
  'Upsample(scale_factor=2)': () => new nn.Upsample({ scaleFactor: 2 }),
  'Upsample(size=(5,7))': () => new nn.Upsample([5, 7]),
  'Upsample(scale_factor=1.5)': () => new nn.Upsample(null, 1.5),
  'Upsample(size=(3,2)) down': () => new nn.Upsample({ size: [3, 2] }),
  "Upsample(scale_factor=1.7, mode='nearest-exact')": () => new nn.Upsample({ scaleFactor: 1.7, mode: 'nearest-exact' }),
  "Upsample(scale_factor=2, mode='bilinear')": () => new nn.Upsample(null, 2, 'bilinear'),
  "Upsample(scale_factor=2, mode='bilinear', align_corners=True)": () => new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: true }),
  "Upsample(size=(5,3), mode='bilinear')": () => new nn.Upsample({ size: [5, 3], mode: 'bilinear' }),
  "Upsample(scale_factor=(1.5,2.5), mode='bilinear')": () => new nn.Upsample({ scaleFactor: [1.5, 2.5], mode: 'bilinear' }),
  "Upsample(scale_factor=2, mode='bicubic')": () => new nn.Upsample({ scaleFactor: 2, mode: 'bicubic' }),
  "Upsample(scale_factor=2, mode='bicubic', align_corners=True)": () => new nn.Upsample(null, 2, 'bicubic', true),
  "Upsample(size=(7,3), mode='bicubic')": () => new nn.Upsample({ size: [7, 3], mode: 'bicubic' }),
  "Upsample(scale_factor=3, mode='linear')": () => new nn.Upsample({ scaleFactor: 3, mode: 'linear' }),
  "Upsample(size=(3,4,5), mode='trilinear', align_corners=True)": () => new nn.Upsample({ size: [3, 4, 5], mode: 'trilinear', alignCorners: true }),
  "Upsample(size=(3,2), mode='area')": () => new nn.Upsample({ size: [3, 2], mode: 'area' }),
  'UpsamplingNearest2d(scale_factor=3)': () => new nn.UpsamplingNearest2d({ scaleFactor: 3 }),
  'UpsamplingBilinear2d(size=(4,6))': () => new nn.UpsamplingBilinear2d([4, 6]),
};

const stateOf = (specs: Record<string, TensorSpec>): ck.nn.StateDict => Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, fromSpec(s)]));
const { layers } = loadFixture<{ layers: LayerCase[] }>('nn_more');

for (const backend of ['reference', 'wasm']) {
  for (const c of layers) {
    test(`${c.name} matches PyTorch (${c.train ? 'train' : 'eval'}, ${backend})`, () => ck.withBackend(backend, () => {
      const make = LAYERS[c.name];
      assert.ok(make, `no convkit transcription for fixture case ${c.name}`);
      const m = make().train(c.train);
      assert.equal(m.toString(), c.repr, 'printed module');
      assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.state), 'state dict keys');
      m.loadStateDict(stateOf(c.state));
      const xs = c.inputs.map((s) => fromSpec(s));
      xs.slice(0, -1).forEach((x, i) => assertClose(m.call(x) as ck.Tensor, c.outputs[i], { rtol: 1e-5, atol: 1e-5 }, `output ${i}`));
      const last = xs[xs.length - 1];
      const x = last.dtype === 'float32' ? last.requiresGrad_(true) : last;
      const out = m.call(x) as ck.Tensor;
      assertClose(out, c.outputs[c.outputs.length - 1], { rtol: 1e-5, atol: 1e-5 }, 'output');
      out.backward(fromSpec(c.gradOutput));
      if (c.inputGrad) assertClose(x.grad!, c.inputGrad, { rtol: 1e-4, atol: 1e-5 }, 'input gradient');
      const params = Object.fromEntries(m.namedParameters());
      for (const [k, g] of Object.entries(c.paramGrads)) assertClose(params[k].grad!, g, { rtol: 1e-4, atol: 1e-5 }, `gradient of ${k}`);
      const after = m.stateDict();
      for (const [k, s] of Object.entries(c.stateAfter)) assertClose(after[k], s, { rtol: 1e-5, atol: 1e-6 }, `${k} after forward`);
    }));
  }
}

test('positional and options forms build the same layer', () => {
  const pairs: [ck.nn.Module, ck.nn.Module][] = [
    [new nn.LayerNorm([3, 4], 1e-3, false), new nn.LayerNorm([3, 4], { eps: 1e-3, elementwiseAffine: false })],
    [new nn.GroupNorm(2, 6, 1e-4, false), new nn.GroupNorm(2, 6, { eps: 1e-4, affine: false })],
    [new nn.InstanceNorm2d(3, 1e-3, 0.3, true, true), new nn.InstanceNorm2d(3, { eps: 1e-3, momentum: 0.3, affine: true, trackRunningStats: true })],
    [new nn.PReLU(3, 0.1), new nn.PReLU({ numParameters: 3, init: 0.1 })],
    [new nn.Hardswish(true), new nn.Hardswish({ inplace: true })],
    [new nn.Upsample(null, 2, 'bicubic', true), new nn.Upsample({ scaleFactor: 2, mode: 'bicubic', alignCorners: true })],
    [new nn.Embedding(5, 2, 1, 2.5, 1), new nn.Embedding(5, 2, { paddingIdx: 1, maxNorm: 2.5, normType: 1 })],
  ];
  for (const [a, b] of pairs) assert.equal(a.toString(), b.toString());
  assert.deepEqual(new nn.PReLU(3, 0.1).weight.toArray(), new nn.PReLU({ numParameters: 3, init: 0.1 }).weight.toArray());
});

test('wrong arguments are refused with the callable, the parameter and what came', () => {
  assert.throws(() => new nn.LayerNorm(4, { eps: 1e-3, elementwise_affine: false } as never), /LayerNorm: unknown option 'elementwise_affine' \(did you mean 'elementwiseAffine'\?\)/);
  assert.throws(() => new nn.GroupNorm(4, 6), /numChannels \(6\) must be divisible by numGroups \(4\)/);
  assert.throws(() => new nn.InstanceNorm2d(3, { affine: 1 } as never), /InstanceNorm2d: .*affine.* a boolean/);
  assert.throws(() => new nn.PReLU(2, 0.25, 7 as never), /PReLU: takes at most 2 positional arguments/);
  assert.throws(() => new nn.Upsample({ scaleFactor: 2, mode: 'cubic' } as never), /Upsample: .*mode.* one of/);
  assert.throws(() => new nn.Embedding(10, 3, { paddingIdx: 10 }), /paddingIdx 10 must be within numEmbeddings \(10\)/);
  assert.throws(() => new nn.Embedding(10, 3, { sparse: true }), /sparse gradients are not supported/);
  assert.throws(() => new nn.Hardsigmoid('yes' as never), /Hardsigmoid: .*inplace.* a boolean/);
  assert.throws(() => new nn.GroupNorm(2, 6).call(ck.randn([2, 4, 3])), /GroupNorm: expected an input \[N, 6, \.\.\.\], got \[2,4,3\]/);
  assert.throws(() => new nn.InstanceNorm2d(3, { affine: true }).call(ck.randn([2, 4, 3, 3])), /InstanceNorm2d: expected 3 channels/);
  assert.throws(() => new nn.Embedding(4, 2).call(ck.tensor([1, 4], { dtype: 'int32' })), /embedding: index 4 is out of range for 4 embeddings/);
  assert.throws(() => new nn.Embedding(4, 2).call(ck.tensor([1, 2])), /embedding: expected int32 indices/);
});

test('F.interpolate refuses what PyTorch refuses', () => {
  const F = nn.functional;
  const x = ck.randn([1, 2, 4, 4]);
  assert.throws(() => F.interpolate(x, { size: 8, scaleFactor: 2 }), /exactly one of size and scaleFactor/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 2, mode: 'nearest', alignCorners: true }), /alignCorners can only be set with the interpolating modes/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 2, mode: 'linear' }), /mode 'linear' expects a 3-D input/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 2, antialias: true }), /antialias=true is not supported/);
  assert.throws(() => F.interpolate(x, { size: [8, 8, 8] }), /size \[8,8,8\] must have 2 entries/);
  assert.deepEqual(F.interpolate(x, 8).shape, [1, 2, 8, 8]);
  assert.deepEqual(F.interpolate(x, null, [0.5, 2], 'bilinear').shape, [1, 2, 2, 8]);
});

interface TrainingFixture {
  state: Record<string, TensorSpec>;
  input: TensorSpec;
  target: TensorSpec;
  losses: number[];
  stateAfter: Record<string, TensorSpec>;
}

test('three SGD steps of an encoder-decoder built from the new layers give PyTorch\'s losses and weights', () => {
  const fx = loadFixture<{ training: TrainingFixture }>('nn_more').training;
  const net = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.GroupNorm(2, 4), new nn.PReLU(4), new nn.MaxPool2d(2),
    new nn.Conv2d(4, 6, 3, { padding: 1 }), new nn.InstanceNorm2d(6, { affine: true }), new nn.Hardswish(),
    new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }), new nn.Conv2d(6, 3, 1), new nn.Mish(), new nn.LayerNorm([3, 8, 8]),
  );
  net.loadStateDict(stateOf(fx.state));
  const optimizer = new ck.optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
  const x = fromSpec(fx.input);
  const y = fromSpec(fx.target);
  const losses = fx.losses.map(() => {
    optimizer.zeroGrad();
    const loss = nn.functional.crossEntropy(net.call(x), y);
    loss.backward();
    optimizer.step();
    return loss.item();
  });
  losses.forEach((l, i) => assert.ok(Math.abs(l - fx.losses[i]) <= 1e-5 * Math.abs(fx.losses[i]) + 1e-6, `loss ${i}: ${l} vs ${fx.losses[i]}`));
  const after = net.stateDict();
  for (const [k, s] of Object.entries(fx.stateAfter)) assertClose(after[k], s, { rtol: 1e-4, atol: 1e-5 }, `${k} after three steps`);
});
