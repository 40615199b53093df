/**
 * Item 5 of issue 13: full backward hooks on modules, tensor hooks and a custom autograd.Function, against the
 * values PyTorch's hooks saw (test/fixtures/nn_more.json, `hooks`, from tools/gen_ops_more_fixtures.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertClose, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';

const { nn } = ck;

interface HookFixture {
  state: Record<string, TensorSpec>;
  input: TensorSpec;
  output: TensorSpec;
  seen: { gradInput: TensorSpec; gradOutput: TensorSpec };
  inputGrad: TensorSpec;
  paramGrads: Record<string, TensorSpec>;
  function: { input: TensorSpec; output: TensorSpec; gradOutput: TensorSpec; inputGrad: TensorSpec };
}

const fx = loadFixture<{ hooks: HookFixture }>('nn_more').hooks;
const close = { rtol: 1e-5, atol: 1e-6 };

test('a full backward hook sees PyTorch\'s gradInput and gradOutput, and its replacement flows on; a tensor hook changes the gradient', () => {
  const net = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.Conv2d(2, 1, 3));
  net.loadStateDict(Object.fromEntries(Object.entries(fx.state).map(([k, s]) => [k, fromSpec(s)])));
  const seen: { gradInput: (ck.Tensor | null)[]; gradOutput: (ck.Tensor | null)[] }[] = [];
  const conv2 = net.at(2) as ck.nn.Conv2d;
  conv2.registerFullBackwardHook((module, gradInput, gradOutput) => {
    assert.equal(module, conv2);
    seen.push({ gradInput, gradOutput });
    return [gradInput[0]!.mul(0.5)];
  });
  const x = fromSpec(fx.input, { requiresGrad: true });
  const h = net.at(1).call(net.at(0).call(x)) as ck.Tensor;
  h.registerHook((g) => g.add(1));
  const out = conv2.call(h);
  assertClose(out, fx.output, close, 'output');
  out.sum().backward();
  assert.equal(seen.length, 1, 'the hook fires once per backward');
  assertClose(seen[0].gradInput[0]!, fx.seen.gradInput, close, 'gradInput');
  assertClose(seen[0].gradOutput[0]!, fx.seen.gradOutput, close, 'gradOutput');
  assertClose(x.grad!, fx.inputGrad, close, 'input gradient');
  for (const [k, g] of net.namedParameters()) assertClose(g.grad!, fx.paramGrads[k], close, `gradient of ${k}`);
});

test('a hook registered on a module inside Sequential fires through the container, and remove() stops it', () => {
  const net = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
  let calls = 0;
  const handle = net.at(2).registerFullBackwardHook((_m, gradInput, gradOutput) => {
    calls++;
    assert.deepEqual(gradInput[0]!.shape, [5, 4]);
    assert.deepEqual(gradOutput[0]!.shape, [5, 2]);
  });
  net.call(ck.randn([5, 3])).sum().backward();
  assert.equal(calls, 1);
  handle.remove();
  handle.remove();
  net.call(ck.randn([5, 3])).sum().backward();
  assert.equal(calls, 1);
});

test('without an input that requires grad, gradInput holds null, as in PyTorch (the first layer of a network)', () => {
  const lin = new nn.Linear(3, 2);
  const got: (ck.Tensor | null)[][] = [];
  lin.registerFullBackwardHook((_m, gradInput, gradOutput) => void got.push(gradInput, gradOutput));
  lin.call(ck.randn([4, 3])).sum().backward();
  assert.equal(got[0][0], null);
  assert.deepEqual(got[1][0]!.toArray(), ck.ones([4, 2]).toArray());
  assert.ok(lin.weight.grad, 'parameters still get their gradients');
});

test('a module with two tensor inputs: one hook call with both gradients', () => {
  class Mul extends nn.Module {
    forward(a: ck.Tensor, b: ck.Tensor): ck.Tensor {
      return a.mul(b);
    }
  }
  const m = new Mul();
  const a = ck.tensor([1, 2, 3], { requiresGrad: true });
  const b = ck.tensor([4, 5, 6], { requiresGrad: true });
  const calls: (ck.Tensor | null)[][] = [];
  m.registerFullBackwardHook((_m, gradInput) => {
    calls.push(gradInput);
    return [gradInput[0]!.mul(10), null];
  });
  m.call(a, b).sum().backward();
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0].map((g) => g!.toArray()), [[4, 5, 6], [1, 2, 3]]);
  assert.deepEqual(a.grad!.toArray(), [40, 50, 60]);
  assert.equal(b.grad, null, 'a null replacement sends no gradient');
});

test('a forward pre-hook that replaces the input: the backward hook sees the gradient of the replacement', () => {
  const lin = new nn.Linear(2, 1, false);
  lin.weight.requiresGrad = false;
  ck.noGrad(() => lin.weight.copy_(ck.tensor([[2, 3]])));
  const x = ck.tensor([[1, 1]], { requiresGrad: true });
  lin.registerForwardPreHook((_m, [input]) => [(input as ck.Tensor).mul(10)]);
  const got: ck.Tensor[] = [];
  lin.registerFullBackwardHook((_m, gradInput) => void got.push(gradInput[0]!));
  lin.call(x).sum().backward();
  assert.deepEqual(got[0].toArray(), [[2, 3]]);
  assert.deepEqual(x.grad!.toArray(), [[20, 30]]);
});

test('hooks refuse what they cannot use', () => {
  const lin = new nn.Linear(2, 2);
  assert.throws(() => lin.registerFullBackwardHook(3 as never), /registerFullBackwardHook: expected a function/);
  lin.registerFullBackwardHook(() => [ck.zeros([9])]);
  assert.throws(() => lin.call(ck.randn([1, 2], { requiresGrad: true })).sum().backward(), /gradient 0 returned by a hook of Linear must be a tensor of shape \[1,2\]/);
  assert.throws(() => ck.zeros([2]).registerHook(() => undefined), /cannot register a hook on a tensor that doesn't require gradient/);
  const t = ck.ones([2], { requiresGrad: true });
  t.registerHook(() => ck.zeros([3]));
  assert.throws(() => t.mul(2).sum().backward(), /registerHook: a hook must return undefined or a tensor of the gradient's shape \[2\]/);
});

test('tensor hooks: leaf and non-leaf, in registration order, removable, also under ck.autograd.grad', () => {
  const x = ck.tensor([1, 2], { requiresGrad: true });
  const y = x.mul(3);
  const order: string[] = [];
  y.registerHook((g) => (order.push('y1'), g.mul(2)));
  const h = y.registerHook((g) => (order.push('y2'), g.add(1)));
  x.registerHook((g) => void order.push(`x:${(g.toArray() as number[]).join(',')}`));
  y.sum().backward();
  assert.deepEqual(order, ['y1', 'y2', 'x:9,9']);
  assert.deepEqual(x.grad!.toArray(), [9, 9]);
  h.remove();
  x.grad = null;
  x.mul(3).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [3, 3], 'hooks live on the tensor they were registered on');
  const [gx] = ck.autograd.grad([x.mul(x).sum()], [x]);
  assert.deepEqual(gx!.toArray(), [2, 4]);
});

test('a custom autograd.Function: forward and its own backward give PyTorch\'s numbers', () => {
  class SquareAbs extends ck.autograd.Function {
    static override forward(ctx: ck.autograd.FunctionCtx, t: ck.Tensor, scale: number): ck.Tensor {
      ctx.saveForBackward(t);
      ctx.scale = scale;
      return t.mul(t.abs()).mul(scale);
    }
    static override backward(ctx: ck.autograd.FunctionCtx, g: ck.Tensor): [ck.Tensor, null] {
      const [t] = ctx.savedTensors;
      return [g.mul(2).mul(t!.abs()).mul(ctx.scale as number), null];
    }
  }
  const u = fromSpec(fx.function.input, { requiresGrad: true });
  const v = SquareAbs.apply(u, 3);
  assertClose(v, fx.function.output, close, 'output');
  assert.equal(v.gradFn?.name, 'SquareAbsBackward');
  v.backward(fromSpec(fx.function.gradOutput));
  assertClose(u.grad!, fx.function.inputGrad, close, 'input gradient');
});

test('Function: several outputs, needsInputGrad, gradients checked against finite differences, and errors', () => {
  class SplitScale extends ck.autograd.Function {
    static override forward(ctx: ck.autograd.FunctionCtx, a: ck.Tensor, b: ck.Tensor): ck.Tensor[] {
      ctx.saveForBackward(a, b);
      return [a.mul(b), a.add(b).mul(2)];
    }
    static override backward(ctx: ck.autograd.FunctionCtx, g1: ck.Tensor, g2: ck.Tensor): (ck.Tensor | null)[] {
      const [a, b] = ctx.savedTensors;
      return [g1.mul(b!).add(g2.mul(2)), ctx.needsInputGrad[1] ? g1.mul(a!).add(g2.mul(2)) : null];
    }
  }
  const a = ck.randn([3], { dtype: 'float64', requiresGrad: true });
  const b = ck.randn([3], { dtype: 'float64', requiresGrad: true });
  assert.ok(ck.autograd.gradcheck((p: ck.Tensor, q: ck.Tensor) => {
    const [y1, y2] = SplitScale.apply(p, q);
    return y1.add(y2.mul(0.5));
  }, [a, b]));
  const [only] = SplitScale.apply(a, ck.ones([3], { dtype: 'float64' }));
  only.sum().backward();
  assert.deepEqual(a.grad!.toArray(), [1, 1, 1], 'an unused output gets a zero gradient');
  const x = ck.ones([2], { requiresGrad: true });
  const y = ck.noGrad(() => SplitScale.apply(x, x));
  assert.equal(y[0].requiresGrad, false, 'nothing is recorded under noGrad');

  class Wrong extends ck.autograd.Function {
    static override forward(_ctx: ck.autograd.FunctionCtx, t: ck.Tensor): ck.Tensor {
      return t.mul(2);
    }
    static override backward(): ck.Tensor[] {
      return [ck.ones([2]), ck.ones([2])];
    }
  }
  assert.throws(() => Wrong.apply(x).sum().backward(), /Wrong.backward: returned 2 gradient\(s\), expected 1/);
  class NoBackward extends ck.autograd.Function {
    static override forward(_ctx: ck.autograd.FunctionCtx, t: ck.Tensor): ck.Tensor {
      return t;
    }
  }
  const passed = NoBackward.apply(x);
  assert.notEqual(passed, x, 'an input returned as is comes back as a new tensor');
  assert.throws(() => passed.sum().backward(), /NoBackward.backward: a custom Function must define static backward/);
  assert.throws(() => ck.autograd.Function.apply(), /call apply on a subclass/);
});

test('a backward hook on a BatchNorm inside ResNet fires: the fused BN+ReLU path steps aside for it', () => {
  ck.manualSeed(0);
  const model = ck.models.resnet18({ numClasses: 4 });
  const block = (model as unknown as { layer1: ck.nn.Sequential }).layer1.at(0) as unknown as { bn2: ck.nn.Module };
  let fired = 0;
  block.bn2.registerFullBackwardHook((_m, gradInput) => {
    fired++;
    assert.deepEqual(gradInput[0]!.shape, [2, 64, 8, 8]);
  });
  model.call(ck.randn([2, 3, 32, 32])).sum().backward();
  assert.equal(fired, 1);
});
