/** summary() on small hand-built modules, whose rows and counts follow from the definitions (stated per test). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { Module } from '../../src/nn/module.js';
import { Parameter } from '../../src/nn/parameter.js';

class Dense extends Module {
  weight: Parameter;
  bias: Parameter;
  constructor(inF: number, outF: number) {
    super();
    this.weight = new Parameter(ck.randn([outF, inF]));
    this.bias = new Parameter(ck.zeros([outF]));
  }
  forward(x: ck.Tensor): ck.Tensor {
    return ck.linear(x, this.weight, this.bias);
  }
}

class Relu extends Module {
  forward(x: ck.Tensor): ck.Tensor {
    return ck.relu(x);
  }
}

/** A running-mean buffer that moves in training mode, like BatchNorm's. */
class Tracker extends Module {
  constructor(n: number) {
    super();
    this.registerBuffer('running_mean', ck.zeros([n]));
    this.registerBuffer('count', ck.zeros([1], { dtype: 'int32' }));
  }
  forward(x: ck.Tensor): ck.Tensor {
    if (this.training) ck.noGrad(() => this.getBuffer('running_mean')!.add_(1));
    return x;
  }
}

class Block extends Module {
  fc = new Dense(3, 3);
  act = new Relu();
  forward(x: ck.Tensor): ck.Tensor {
    return this.act.forward(this.fc.forward(this.act.forward(x))); // the same ReLU twice
  }
}

class Mlp extends Module {
  fc1 = new Dense(4, 3);
  block = new Block();
  track = new Tracker(3);
  fc2 = new Dense(3, 2);
  forward(x: ck.Tensor): ck.Tensor {
    return this.fc2.forward(this.track.forward(this.block.forward(this.fc1.forward(x))));
  }
}

test('summary lists every module call in order with depth, index, output shape and parameters', () => {
  const s = ck.summary(new Mlp(), [5, 4]);
  const rows = s.rows.map((r) => [r.name, r.type, r.depth, r.index, r.outputShape, r.params, r.isRepeat]);
  assert.deepEqual(rows, [
    ['', 'Mlp', 0, 1, [5, 2], 35, false],
    ['fc1', 'Dense', 1, 1, [5, 3], 15, false], // 4*3 weights + 3 biases
    ['block', 'Block', 1, 2, [5, 3], 12, false],
    ['block.act', 'Relu', 2, 1, [5, 3], 0, false],
    ['block.fc', 'Dense', 2, 2, [5, 3], 12, false],
    ['block.act', 'Relu', 2, 3, [5, 3], 0, true],
    ['track', 'Tracker', 1, 3, [5, 3], 0, false],
    ['fc2', 'Dense', 1, 4, [5, 2], 8, false],
  ]);
  assert.equal(s.totalParams, 35);
  // torchinfo's rule for non-convolution layers: own parameters x batch (5)
  assert.equal(s.multAdds, (15 + 12 + 8) * 5);
  assert.equal(s.bufferElements, 3, 'running_mean counts, the int32 counter does not');
  assert.equal(s.inputBytes, 5 * 4 * 4);
  // outputs of the layers with parameters ([5,3], [5,3], [5,2]), kept for backward and their gradients: x2
  assert.equal(s.forwardBackwardBytes, 2 * (15 + 15 + 10) * 4);
  assert.equal(s.paramBytes, 35 * 4);
});

test('summary separates trainable and frozen parameters', () => {
  const model = new Mlp();
  model.fc1.requiresGrad_(false);
  const s = ck.summary(model, [1, 4]);
  assert.deepEqual([s.totalParams, s.trainableParams, s.nonTrainableParams], [35, 20, 15]);
});

test('summary leaves the model as it found it: forward methods, modes and running statistics', () => {
  const model = new Mlp();
  model.block.train(false);
  ck.summary(model, [2, 4], { mode: 'train' });
  assert.deepEqual(model.track.getBuffer('running_mean')!.toArray(), [0, 0, 0], 'buffer restored after a training pass');
  assert.equal(model.training, true);
  assert.equal(model.block.training, false);
  assert.ok(!Object.hasOwn(model.fc1, 'forward'), 'the wrapper is removed');
  assert.equal(ck.summary(model, [2, 4], { mode: 'eval' }).rows.length, 8);
  assert.equal(model.block.training, false);
});

test('summary restores a forward defined on the instance itself', () => {
  class Arrow extends Module {
    fc = new Dense(2, 2);
    forward = (x: ck.Tensor): ck.Tensor => this.fc.forward(x);
  }
  const m = new Arrow();
  const own = m.forward;
  assert.deepEqual(ck.summary(m, [1, 2]).rows.map((r) => r.name), ['', 'fc']);
  assert.equal(m.forward, own);
});

test('toString prints a torchinfo-style table with totals', () => {
  const text = ck.summary(new Mlp(), [5, 4], { depth: 1 }).toString();
  const lines = text.split('\n');
  assert.equal(lines[1], 'Layer (type:depth-idx)                   Output Shape              Param #');
  assert.equal(lines[3], 'Mlp                                      [5, 2]                    --');
  assert.equal(lines[4], '├─Dense: 1-1                             [5, 3]                    15');
  assert.equal(lines[5], '├─Block: 1-2                             [5, 3]                    12', 'children hidden at depth 1: their total');
  assert.ok(!text.includes('└─'), 'nothing deeper than depth 1');
  for (const l of ['Total params: 35', 'Trainable params: 35', 'Non-trainable params: 0', 'Buffer elements (running statistics): 3', 'Total mult-adds (M): 0.00']) {
    assert.ok(lines.includes(l), l);
  }
  const deep = ck.summary(new Mlp(), [5, 4]).toString().split('\n');
  assert.ok(deep.includes('├─Block: 1-2                             [5, 3]                    --'), 'children shown: --');
  assert.ok(deep.includes('│    └─Relu: 2-3                         [5, 3]                    (recursive)'));
});

test('summary reports bad shapes and a failing forward with the layer that failed', () => {
  assert.throws(() => ck.summary(new Mlp(), [5, 0]), /summary: expected an input shape of positive integers such as \[1, 3, 224, 224\], got \[5,0\]/);
  assert.throws(() => ck.summary(new Mlp(), [5, 4], { depth: -1 }), /summary: depth must be a non-negative integer, got -1/);
  assert.throws(() => ck.summary(new Mlp(), [5, 7]), /summary: the forward pass on input \[5,7\] failed \(in fc1: Dense\): /);
  const model = new Mlp();
  assert.throws(() => ck.summary(model, [5, 7]));
  assert.ok(!Object.hasOwn(model.fc1, 'forward'), 'unwrapped after a failure too');
});
