/** Every layer against PyTorch (test/fixtures/nn_layers.json and nn_conv_layers.json from tools/gen_nn_fixtures.py): forward, input and parameter gradients, buffers. */
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
  inputGrad: TensorSpec;
  paramGrads: Record<string, TensorSpec>;
  stateAfter: Record<string, TensorSpec>;
}

/** The convkit transcription of each PyTorch constructor in the generator. */
const LAYERS: Record<string, () => ck.nn.Module> = {
  'Linear(5,3)': () => new nn.Linear(5, 3),
  'Linear(5,3,bias=False)': () => new nn.Linear(5, 3, { bias: false }),
  Identity: () => new nn.Identity(),
  'Flatten()': () => new nn.Flatten(),
  'Flatten(0,2)': () => new nn.Flatten({ startDim: 0, endDim: 2 }),
  'Unflatten(1,(2,3))': () => new nn.Unflatten(1, [2, 3]),
  ReLU: () => new nn.ReLU(),
  ReLU6: () => new nn.ReLU6(),
  'LeakyReLU(0.2)': () => new nn.LeakyReLU({ negativeSlope: 0.2 }),
  'ELU(0.5)': () => new nn.ELU({ alpha: 0.5 }),
  GELU: () => new nn.GELU(),
  "GELU('tanh')": () => new nn.GELU({ approximate: 'tanh' }),
  SiLU: () => new nn.SiLU(),
  Sigmoid: () => new nn.Sigmoid(),
  Tanh: () => new nn.Tanh(),
  'Softmax(1)': () => new nn.Softmax(1),
  'Softmax(0)': () => new nn.Softmax(0),
  'LogSoftmax(-1)': () => new nn.LogSoftmax(-1),
  Softplus: () => new nn.Softplus(),
  'Softplus(2,5)': () => new nn.Softplus({ beta: 2, threshold: 5 }),
  'BatchNorm1d(5) train': () => new nn.BatchNorm1d(5),
  'BatchNorm1d(5) eval': () => new nn.BatchNorm1d(5),
  'BatchNorm1d(3) 3d': () => new nn.BatchNorm1d(3),
  'BatchNorm2d(3) train': () => new nn.BatchNorm2d(3),
  'BatchNorm2d(3) momentum None': () => new nn.BatchNorm2d(3, { momentum: null }),
  'BatchNorm2d(3) affine False': () => new nn.BatchNorm2d(3, { affine: false }),
  'BatchNorm2d(3) no running stats eval': () => new nn.BatchNorm2d(3, { trackRunningStats: false }),
  'BatchNorm3d(2) train': () => new nn.BatchNorm3d(2, { eps: 1e-3, momentum: 0.3 }),
  'BatchNorm2d(3) eval after training': () => new nn.BatchNorm2d(3),
  'Dropout eval': () => new nn.Dropout({ p: 0.5 }),
  'Dropout(p=0) train': () => new nn.Dropout({ p: 0 }),
  'Dropout2d eval': () => new nn.Dropout2d({ p: 0.3 }),
  'Sequential MLP': () => new nn.Sequential(new nn.Linear(4, 6), new nn.BatchNorm1d(6), new nn.Tanh(), new nn.Linear(6, 2)),
  'Conv1d(2,4,3)': () => new nn.Conv1d(2, 4, 3),
  'Conv2d(3,4,3,stride=2,padding=1)': () => new nn.Conv2d(3, 4, 3, { stride: 2, padding: 1 }),
  'Conv2d unbatched': () => new nn.Conv2d(3, 2, 3),
  "Conv2d(4,6,3,padding='same',groups=2,dilation=2,bias=False)": () => new nn.Conv2d(4, 6, 3, { padding: 'same', groups: 2, dilation: 2, bias: false }),
  "Conv2d(2,3,3,padding=2,paddingMode='reflect')": () => new nn.Conv2d(2, 3, 3, { padding: 2, paddingMode: 'reflect' }),
  "Conv2d(2,3,(3,2),padding=1,paddingMode='circular')": () => new nn.Conv2d(2, 3, [3, 2], { padding: 1, paddingMode: 'circular' }),
  "Conv2d(2,2,4,padding='same',paddingMode='replicate')": () => new nn.Conv2d(2, 2, 4, { padding: 'same', paddingMode: 'replicate' }),
  "Conv1d(2,2,3,padding='valid',paddingMode='reflect')": () => new nn.Conv1d(2, 2, 3, { padding: 'valid', paddingMode: 'reflect' }),
  'Conv3d(2,3,2,padding=(0,1,1))': () => new nn.Conv3d(2, 3, 2, { padding: [0, 1, 1] }),
  'ConvTranspose1d(2,3,3,stride=2)': () => new nn.ConvTranspose1d(2, 3, 3, { stride: 2 }),
  'ConvTranspose2d(4,2,3,stride=2,padding=1,outputPadding=1)': () => new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }),
  'ConvTranspose2d(4,6,3,stride=2,groups=2,dilation=2)': () => new nn.ConvTranspose2d(4, 6, 3, { stride: 2, groups: 2, dilation: 2 }),
  'ConvTranspose3d(2,2,2,stride=2,bias=False)': () => new nn.ConvTranspose3d(2, 2, 2, { stride: 2, bias: false }),
  'MaxPool1d(3,stride=2)': () => new nn.MaxPool1d(3, { stride: 2 }),
  'MaxPool2d(2)': () => new nn.MaxPool2d(2),
  'MaxPool2d(3,stride=2,padding=1,ceilMode)': () => new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
  'MaxPool2d((2,3),dilation=2)': () => new nn.MaxPool2d([2, 3], { dilation: 2 }),
  'MaxPool3d(2)': () => new nn.MaxPool3d(2),
  'AvgPool1d(3)': () => new nn.AvgPool1d(3),
  'AvgPool2d(2)': () => new nn.AvgPool2d(2),
  'AvgPool2d(3,stride=2,padding=1,ceilMode,countIncludePad=False)': () => new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  'AvgPool2d(2,divisorOverride=3)': () => new nn.AvgPool2d(2, { divisorOverride: 3 }),
  'AvgPool3d((1,2,2))': () => new nn.AvgPool3d([1, 2, 2]),
  'AdaptiveAvgPool1d(4)': () => new nn.AdaptiveAvgPool1d(4),
  'AdaptiveAvgPool2d((3,None))': () => new nn.AdaptiveAvgPool2d([3, null]),
  'AdaptiveAvgPool2d(1)': () => new nn.AdaptiveAvgPool2d(1),
  'AdaptiveAvgPool3d((2,3,1))': () => new nn.AdaptiveAvgPool3d([2, 3, 1]),
  'AdaptiveMaxPool1d(3)': () => new nn.AdaptiveMaxPool1d(3),
  'AdaptiveMaxPool2d((2,3))': () => new nn.AdaptiveMaxPool2d([2, 3]),
  'ZeroPad2d((1,2,0,1))': () => new nn.ZeroPad2d([1, 2, 0, 1]),
  'ReflectionPad2d(2)': () => new nn.ReflectionPad2d(2),
  'ReflectionPad1d((2,1))': () => new nn.ReflectionPad1d([2, 1]),
  'ReplicationPad2d((1,0,2,1))': () => new nn.ReplicationPad2d([1, 0, 2, 1]),
  'ReplicationPad3d(1)': () => new nn.ReplicationPad3d(1),
  'ConstantPad2d(1,3.5)': () => new nn.ConstantPad2d(1, 3.5),
  'ConstantPad1d((2,-1),-1)': () => new nn.ConstantPad1d([2, -1], -1),
  'LocalResponseNorm(3)': () => new nn.LocalResponseNorm(3),
  'LocalResponseNorm(2,alpha=0.01,beta=0.5,k=2)': () => new nn.LocalResponseNorm(2, { alpha: 0.01, beta: 0.5, k: 2 }),
  'LeNet-style CNN': () => new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.Tanh(), new nn.AvgPool2d(2), new nn.Conv2d(6, 16, 3), new nn.Tanh(), new nn.AvgPool2d(2),
    new nn.Flatten(), new nn.Linear(64, 10),
  ),
  'Conv-BN-ReLU-MaxPool train': () => new nn.Sequential(new nn.Conv2d(2, 4, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2)),
};

const stateOf = (specs: Record<string, TensorSpec>): ck.nn.StateDict => Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, fromSpec(s)]));

for (const c of [...loadFixture<LayerCase[]>('nn_layers'), ...loadFixture<LayerCase[]>('nn_conv_layers')]) {
  test(`${c.name} matches PyTorch (${c.train ? 'train' : 'eval'})`, () => {
    const make = LAYERS[c.name];
    assert.ok(make, `no convkit transcription for fixture case ${c.name}`);
    const m = make().train(c.train);
    assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.state), 'state dict keys');
    m.loadStateDict(stateOf(c.state));
    const xs = c.inputs.map((s) => fromSpec(s));
    xs.slice(0, -1).forEach((x, i) => assertClose(m.forward(x) as ck.Tensor, c.outputs[i], { rtol: 1e-5, atol: 1e-6 }, `output ${i}`));
    const x = xs[xs.length - 1].requiresGrad_(true);
    const out = m.forward(x) as ck.Tensor;
    assertClose(out, c.outputs[c.outputs.length - 1], { rtol: 1e-5, atol: 1e-6 }, 'output');
    out.backward(fromSpec(c.gradOutput));
    assertClose(x.grad!, c.inputGrad, { rtol: 1e-5, atol: 1e-6 }, 'input gradient');
    const params = Object.fromEntries(m.namedParameters());
    assert.deepEqual(Object.keys(params), Object.keys(c.paramGrads), 'parameter names');
    for (const [k, g] of Object.entries(c.paramGrads)) assertClose(params[k].grad!, g, { rtol: 1e-5, atol: 1e-6 }, `gradient of ${k}`);
    const after = m.stateDict();
    for (const [k, s] of Object.entries(c.stateAfter)) assertClose(after[k], s, { rtol: 1e-5, atol: 1e-6 }, `${k} after forward`);
  });
}
