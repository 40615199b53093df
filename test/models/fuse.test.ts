/** ck.fuse(model): ResNet's BatchNorm + add + ReLU in one pass, with exactly the outputs of the plain model. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';

for (const [name, make] of [['resnet18', () => ck.models.resnet18({ numClasses: 10 })], ['resnet50', () => ck.models.resnet50({ numClasses: 10 })]] as const) {
  test(`fuse(${name}) gives the plain model's outputs bit for bit, in eval and train mode; the module tree is unchanged`, () => {
    ck.manualSeed(3);
    const plain = make();
    const fused = make();
    fused.loadStateDict(plain.stateDict());
    assert.equal(ck.fuse(fused), fused);
    assert.deepEqual(Object.keys(fused.stateDict()), Object.keys(plain.stateDict()));
    const x = ck.randn([2, 3, 64, 64]);
    for (const mode of ['eval', 'train'] as const) {
      plain[mode]();
      fused[mode]();
      const [a, b] = ck.noGrad(() => [plain.forward(x), fused.forward(x)]);
      assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()), `${name} ${mode}`);
    }
  });
}

test('fuse: the gradients of a fused block equal the plain one (one ReLU gradient rule, NaN included)', () => {
  ck.manualSeed(4);
  const plain = new ck.models.BasicBlock(8, 8, { stride: 1, downsample: null, groups: 1, baseWidth: 64, strideOn: '3x3' });
  const fused = new ck.models.BasicBlock(8, 8, { stride: 1, downsample: null, groups: 1, baseWidth: 64, strideOn: '3x3' });
  fused.loadStateDict(plain.stateDict());
  ck.fuse(fused);
  const data = ck.randn([2, 8, 6, 6]).dataSync();
  data[5] = NaN;
  const grads = (m: ck.nn.Module): number[][] => {
    const x = ck.tensor(data, { shape: [2, 8, 6, 6], requiresGrad: true });
    ck.sum((m.forward(x) as ck.Tensor).mul(ck.arange(576).reshape([2, 8, 6, 6]).float())).backward();
    return [x.grad!, ...m.parameters().map((p) => p.grad!)].map((t) => Array.from(t.dataSync()));
  };
  assert.deepEqual(grads(fused), grads(plain));
  assert.throws(() => ck.fuse(42 as never), /fuse: expected an nn.Module/);
});
