/** ck.vis against PyTorch (tools/gen_vis_fixtures.py): feature maps, saliency, SmoothGrad, Grad-CAM, IG, make_grid, interpolate. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertClose, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';
import { fillHashWeights, hashInput } from '../helpers/hash-weights.js';

import type { Module } from '../../src/nn/module.js';
import { legendreGauss } from '../../src/vis/quadrature.js';

interface IgCase { steps: number; attributions: TensorSpec; delta: TensorSpec; fx: TensorSpec; fb: TensorSpec }
interface ModelCase {
  shape: number[];
  delta64: Record<'riemann_trapezoid' | 'gausslegendre', TensorSpec>;
  target: number[];
  featureMaps: Record<string, TensorSpec>;
  saliency: TensorSpec;
  smoothGrad: TensorSpec;
  gradCam: Record<string, TensorSpec>;
  integratedGradients: Record<'riemann_trapezoid' | 'gausslegendre', IgCase>;
}
interface Fixture {
  resnet18: ModelCase;
  lenet5: ModelCase;
  grid: { input: TensorSpec; grey: TensorSpec; cases: { of: 'input' | 'grey'; opts: ck.vis.GridOptions; out: TensorSpec }[] };
  resize: { input: TensorSpec; cases: { size: [number, number]; out: TensorSpec }[] };
}

const fx = loadFixture<Fixture>('vis');
const builders: Record<'resnet18' | 'lenet5', () => Module> = {
  resnet18: () => ck.models.resnet18({ numClasses: 10 }),
  lenet5: () => ck.models.lenet5({ activation: 'relu', pool: 'max' }),
};
const tol = { rtol: 1e-3, atol: 1e-4 };

for (const name of ['resnet18', 'lenet5'] as const) {
  describe(`vis on ${name} with hash weights, as PyTorch`, () => {
    const c = fx[name];
    const model = fillHashWeights(builders[name]()).eval();
    const x = hashInput(c.shape, 'input', -1, 1);
    const scale = (t: TensorSpec): number => Math.max(...t.data.map(Math.abs));
    const close = (actual: ck.Tensor, expected: TensorSpec, what: string): void => assertClose(actual, expected, { rtol: 1e-3, atol: 1e-4 * scale(expected) }, what);

    it('featureMaps returns the named modules\' outputs', () => {
      const maps = ck.vis.featureMaps(model, x.narrow(0, 0, 1), Object.keys(c.featureMaps));
      assert.deepEqual(Object.keys(maps), Object.keys(c.featureMaps));
      for (const [layer, spec] of Object.entries(c.featureMaps)) close(maps[layer], spec, layer);
    });

    it('saliency is |∂logit/∂x| per image (Captum Saliency)', () => {
      close(ck.vis.saliency(model, x, c.target), c.saliency, 'saliency');
    });

    it('smoothGrad with given noise is the mean saliency of the noisy copies', () => {
      const noise = hashInput([3, ...c.shape], 'noise', -0.2, 0.2);
      close(ck.vis.smoothGrad(model, x, c.target, { noise }), c.smoothGrad, 'smoothGrad');
    });

    for (const layer of Object.keys(c.gradCam)) {
      it(`gradCam at ${layer} (Captum LayerGradCam, relu_attributions)`, () => {
        close(ck.vis.gradCam(model, x, c.target, { layer }), c.gradCam[layer], `gradCam ${layer}`);
      });
    }

    for (const method of ['riemann_trapezoid', 'gausslegendre'] as const) {
      it(`integratedGradients (${method}) and its convergence delta`, () => {
        const e = c.integratedGradients[method];
        const { attributions, delta } = ck.vis.integratedGradients(model, x, c.target, { steps: e.steps, method, internalBatchSize: 5 });
        close(attributions, e.attributions, 'attributions');
        // delta is a small difference of large sums: compare it on the scale of F(x) − F(x')
        const gap = Math.max(...e.fx.data.map((v, i) => Math.abs(v - e.fb.data[i])));
        assertClose(delta, e.delta, { rtol: 0, atol: 1e-4 * gap + 1e-5 }, 'delta');
      });
    }

    it('integratedGradients is complete within 5% at 64 steps, the gap PyTorch\'s own sum leaves', () => {
      const e = c.integratedGradients.riemann_trapezoid;
      for (const method of ['gausslegendre', 'riemann_trapezoid'] as const) {
        const { attributions, delta } = ck.vis.integratedGradients(model, x, c.target, { steps: 64, method });
        const sums = attributions.reshape([c.shape[0], -1]).sum(1).dataSync();
        e.fx.data.forEach((f, i) => {
          const gap = f - e.fb.data[i];
          assert.ok(Math.abs(sums[i] - gap) <= 0.05 * Math.abs(gap), `${method} image ${i}: Σ attributions ${sums[i]} vs F(x) − F(x') ${gap}`);
        });
        assertClose(delta, c.delta64[method], { rtol: 0, atol: 2e-3 * Math.max(...e.fx.data.map(Math.abs)) }, `${method} delta at 64 steps`);
      }
    });
  });
}

describe('vis.grid as torchvision.utils.make_grid', () => {
  for (const [i, k] of fx.grid.cases.entries()) {
    it(`case ${i}: ${JSON.stringify(k.opts)}`, () => {
      assertClose(ck.vis.grid(fromSpec(fx.grid[k.of]), k.opts), k.out, { atol: 1e-6 }, 'grid');
    });
  }
});

describe('vis.resize as F.interpolate(bilinear, align_corners=False)', () => {
  for (const k of fx.resize.cases) {
    it(`to ${k.size.join('×')}`, () => {
      assertClose(ck.vis.resize(fromSpec(fx.resize.input), k.size[0], k.size[1]), k.out, { atol: 1e-6 }, 'resize');
    });
  }
});

describe('Gauss-Legendre nodes and weights as numpy.polynomial.legendre.leggauss', () => {
  const legendre = loadFixture<{ legendre: Record<string, [number[], number[]]> }>('vis').legendre;
  for (const [n, [nodes, weights]] of Object.entries(legendre)) {
    it(`n = ${n}`, () => {
      const got = legendreGauss(Number(n));
      got.nodes.forEach((v, i) => assert.ok(Math.abs(v - nodes[i]) < 1e-12, `node ${i}: ${v} vs ${nodes[i]}`));
      got.weights.forEach((v, i) => assert.ok(Math.abs(v - weights[i]) < 1e-12, `weight ${i}: ${v} vs ${weights[i]}`));
    });
  }
});
