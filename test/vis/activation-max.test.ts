/** ck.vis.activationMaximization: the activation it reaches, a seeded golden image, its argument checks. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { fillHashWeights } from '../helpers/hash-weights.js';
import { loadFixture } from '../helpers/index.js';
import { goldenRun } from '../../tools/gen_vis_golden.js';

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

describe('vis.activationMaximization', () => {
  it('drives a ResNet-18 channel to ≥ 10× its activation on the starting image within 256 steps', async () => {
    const model = fillHashWeights(ck.models.resnet18({ numClasses: 10 }));
    model.train();
    const r = await ck.vis.activationMaximization(model, { layer: 'layer2', channel: 0, steps: 256, size: 32, seed: 0, ...IMAGENET });
    assert.ok(r.startActivation > 0, `start ${r.startActivation}`);
    assert.ok(r.activation >= 10 * r.startActivation, `reached ${r.activation}, start ${r.startActivation}`);
    assert.deepEqual(r.image.shape, [1, 3, 32, 32]);
    // image is what the model saw: the pixels, normalised
    const mean = ck.tensor(IMAGENET.mean, { shape: [1, 3, 1, 1] });
    const std = ck.tensor(IMAGENET.std, { shape: [1, 3, 1, 1] });
    assert.ok(r.image.sub(r.pixels.sub(mean).div(std)).abs().max().item() < 1e-5);
    assert.ok(r.pixels.min().item() >= 0 && r.pixels.max().item() <= 1);
    assert.ok(model.modules().every((m) => m.training), 'the model\'s training mode is restored');
    assert.ok(model.parameters().every((p) => p.requiresGrad), 'and its parameters still require grad');
  });

  it('reproduces the seeded golden image (LeNet-5, class 3, 24 steps)', async () => {
    const golden = loadFixture<{ pixels: number[]; shape: number[]; activation: number; startActivation: number }>('vis-golden');
    const r = await goldenRun();
    assert.deepEqual(r.pixels.shape, golden.shape);
    const got = r.pixels.dataSync();
    let worst = 0;
    got.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - golden.pixels[i]))));
    // backends sum in different orders; 24 Adam steps keep the drift far below one 8-bit grey level
    assert.ok(worst < 2e-3, `largest pixel difference ${worst}`);
    assert.ok(Math.abs(r.activation - golden.activation) < 1e-3, `activation ${r.activation} vs ${golden.activation}`);
    const again = await goldenRun();
    assert.deepEqual(Array.from(again.pixels.dataSync()), Array.from(got), 'same seed, same image');
  });

  it('optimises pixels directly without the Fourier parameterisation, and neurons by position', async () => {
    const model = fillHashWeights(ck.models.lenet5({ activation: 'relu', pool: 'max' }));
    const r = await ck.vis.activationMaximization(model, { layer: 'features_detector.3', neuron: [2, 4, 5], steps: 16, size: 32, channels: 1, fourier: false, transforms: false, lr: 0.1 });
    assert.ok(r.activation > r.startActivation, `${r.activation} vs ${r.startActivation}`);
  });

  it('refuses bad arguments, naming the function', async () => {
    const model = ck.models.lenet5();
    const bad: [object, RegExp][] = [
      [{}, /exactly one of channel, neuron or class, got none/],
      [{ layer: 'features_detector.0', channel: 1, class: 2 }, /exactly one of channel, neuron or class, got channel, class/],
      [{ layer: 'features_detector.9', channel: 0 }, /no module 'features_detector.9'; similar: features_detector, features_detector.0/],
      [{ class: 1, layer: 'features_detector.0' }, /do not give a layer/],
      [{ class: 1, stpes: 3 }, /unknown option 'stpes'/],
      [{ class: 1, steps: -1 }, /steps must be an integer in \[0, ∞\], got -1/],
      [{ layer: 'features_detector.0', channel: 6, steps: 1, size: 32, channels: 1 }, /channel must be an integer in \[0, 5\], got 6/],
      [{ class: 1, mean: [0.1, 0.2], channels: 1 }, /mean must be 1 number, got \[0.1, 0.2\]/],
    ];
    for (const [opts, message] of bad) {
      await assert.rejects(ck.vis.activationMaximization(model, opts), (e: Error) => e.message.startsWith('vis.activationMaximization: ') && message.test(e.message));
    }
    await assert.rejects(ck.vis.activationMaximization({} as never, { class: 1 }), /expected an nn.Module/);
  });
});
