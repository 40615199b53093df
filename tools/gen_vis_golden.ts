/**
 * Writes test/fixtures/vis-golden.json: a seeded activation-maximisation image (LeNet-5 with hash weights,
 * class 3, 32×32, 24 steps) that test/vis/activation-max.test.ts reproduces. PyTorch cannot compute this
 * (the random transforms come from convkit's generator), so it is convkit's own output, reviewed by eye in
 * docs/look-inside.md; it catches unintended changes to the parameterisation, transforms or optimiser.
 * Run: node --import tsx tools/gen_vis_golden.ts
 */
import { writeFileSync } from 'node:fs';
import * as ck from '../src/index.js';
import { fillHashWeights } from '../test/helpers/hash-weights.js';

export const GOLDEN_OPTIONS = { class: 3, size: 32, channels: 1, steps: 24, seed: 7, mean: [0.286], std: [0.353] };

export async function goldenRun(): Promise<ck.vis.ActivationMaximizationResult> {
  const model = fillHashWeights(ck.models.lenet5({ activation: 'relu', pool: 'max' }));
  return ck.vis.activationMaximization(model, GOLDEN_OPTIONS);
}

if (process.argv[1]?.endsWith('gen_vis_golden.ts')) {
  const r = await goldenRun();
  const pixels = Array.from(await r.pixels.data(), (v) => Math.round(v * 1e5) / 1e5);
  const out = { options: GOLDEN_OPTIONS, startActivation: r.startActivation, activation: r.activation, shape: r.pixels.shape, pixels };
  writeFileSync(new URL('../test/fixtures/vis-golden.json', import.meta.url), `${JSON.stringify(out)}\n`);
  console.log(`start ${r.startActivation}, reached ${r.activation}`);
}
