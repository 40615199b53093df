/**
 * The rest of the zoo: every VGG (torchvision's eight and the paper's six configurations), the deepest ResNets,
 * the remaining variants. Building them initialises about two billion weights (a couple of minutes), so the
 * models are built and checked one at a time and dropped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { loadFixture, type TensorSpec } from '../helpers/index.js';
import { fillHashWeights, hashInput } from '../helpers/hash-weights.js';
import { assertLogits, build, countParams, describeCall, keyList, type Call } from './zoo.js';

type Counted = Call & { params: number; trainable: number; bufferElements: number };
const counts = loadFixture<Record<string, Counted>>('models-counts');
const keys = loadFixture<Record<string, Call & { keys: [string, number[]][] }>>('models-keys');
const parity = loadFixture<Record<string, Call & { inputShape: number[]; logits: TensorSpec }>>('models-parity');
const flops = loadFixture<{ resnetMultAdds224: Record<string, number> }>('models-summary').resnetMultAdds224;

/** Builds, checks and drops one model at a time: the VGGs hold 130-145 million weights each. */
function checkModel(name: string, extra: (m: ck.nn.Module) => void = () => {}): void {
  const c = counts[name];
  const model = build(c);
  if (keys[name]) assert.deepEqual(keyList(model), keys[name].keys, describeCall(c));
  const { params, trainable, bufferElements } = c;
  assert.deepEqual(countParams(model), { params, trainable, bufferElements }, describeCall(c));
  extra(model);
}

const VGGS = ['vgg11', 'vgg13', 'vgg16', 'vgg19', 'vgg11Bn', 'vgg13Bn', 'vgg16Bn', 'vgg19Bn'];

test('every torchvision VGG: keys, shapes, parameters, and a summary at 32x32', () => {
  for (const name of VGGS) {
    checkModel(name, (m) => {
      const s = ck.summary(m, [1, 3, 32, 32]);
      assert.deepEqual(s.rows[0].outputShape, [1, 1000]);
      if (parity[name]) assertLogits(ck.noGrad(() => fillHashWeights(m).eval().forward(hashInput(parity[name].inputShape))) as ck.Tensor, parity[name].logits, name);
    });
  }
});

test('the VGG paper\'s Table 1 configurations by name, with the paper\'s rounded parameter counts', () => {
  // Simonyan & Zisserman, Table 2: 133, 133, 133, 134, 138, 144 million parameters for A, A-LRN, B, C, D, E
  const paper: Record<string, number> = { A: 133, 'A-LRN': 133, B: 133, C: 134, D: 138, E: 144 };
  for (const [config, millions] of Object.entries(paper)) {
    for (const name of [`vgg-${config}`, `vgg-${config}-bn`]) {
      checkModel(name, (m) => {
        assert.equal(Math.round(countParams(m).params / 1e6), millions, name);
        if (parity[name]) assertLogits(ck.noGrad(() => fillHashWeights(m).eval().forward(hashInput(parity[name].inputShape))) as ck.Tensor, parity[name].logits, name);
      });
    }
  }
  const lrn = ck.models.vgg('A-LRN', { initWeights: false });
  assert.equal(lrn.features.at(2).toString(), 'LocalResponseNorm(5, alpha=0.0005, beta=0.75, k=2.0)');
  assert.throws(() => ck.models.vgg('F' as 'A'), /vgg: config must be one of 'A', 'A-LRN', 'B', 'C', 'D', 'E', got "F"/);
});

/** As in torchvision.test.ts: at 224 each convolution's grid is 7x its grid at 32 in a ResNet. */
const multAddsAt224 = (m: ck.nn.Module): number => ck.summary(m, [1, 3, 32, 32]).rows.reduce((n, r) => n + r.multAdds * (r.type === 'Conv2d' ? 49 : 1), 0);

test('ResNet-34, -101 and -152: keys, parameters, and the paper\'s and torchvision\'s mult-adds', () => {
  // He et al. 2015, Table 1 (one decimal; ResNet-34's 3.66 printed as 3.6), torchvision's documented GFLOPS
  const published: Record<string, number> = { 'resnet34-3x3': 3.6e9, 'resnet101-1x1': 7.6e9, 'resnet152-1x1': 11.3e9, 'resnet101-3x3': 7.80e9, 'resnet152-3x3': 11.51e9 };
  for (const depth of [34, 101, 152]) {
    checkModel(`resnet${depth}`, (m) => {
      const n = multAddsAt224(m);
      assert.equal(n, flops[`resnet${depth}-3x3`]);
      const tolerance = depth === 34 ? 0.07e9 : 0.005e9;
      assert.ok(Math.abs(n - published[`resnet${depth}-3x3`]) < tolerance, `resnet${depth}: ${n}`);
    });
    if (depth === 34) continue;
    const paperVariant = build({ call: `resnet${depth}`, args: [{ strideOn: '1x1' }] });
    const n = multAddsAt224(paperVariant);
    assert.equal(n, flops[`resnet${depth}-1x1`]);
    assert.ok(Math.abs(n - published[`resnet${depth}-1x1`]) < 0.05e9, `resnet${depth} 1x1: ${n}`);
  }
});

test('Inception v3 without its auxiliary classifier has torchvision\'s parameter count', () => {
  checkModel('inceptionV3-noaux');
});
