/** Every loss against PyTorch (test/fixtures/nn_losses.json): value and input gradient, for each reduction and option. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertClose, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';

const F = ck.nn.functional;
type Reduction = ck.nn.functional.Reduction;

interface LossCase {
  name: string;
  input: TensorSpec;
  target: TensorSpec;
  output: TensorSpec;
  gradOutput: TensorSpec;
  inputGrad: TensorSpec;
}

// the class weights of the generator are not stored separately: each case that uses them says so in its name
const fixture = loadFixture<LossCase[]>('nn_losses');
const weightSpec = loadFixture<{ weight: TensorSpec }>('nn_losses_weight').weight;
const weight = fromSpec(weightSpec);

type LossFn = (x: ck.Tensor, t: ck.Tensor, reduction: Reduction) => ck.Tensor;
const LOSSES: Record<string, LossFn> = {
  crossEntropy: (x, t, reduction) => F.crossEntropy(x, t, { reduction }),
  'crossEntropy weight': (x, t, reduction) => F.crossEntropy(x, t, { weight, reduction }),
  'crossEntropy ignoreIndex': (x, t, reduction) => F.crossEntropy(x, t, { reduction }),
  'crossEntropy ignoreIndex=2 weight': (x, t, reduction) => F.crossEntropy(x, t, { weight, ignoreIndex: 2, reduction }),
  'crossEntropy labelSmoothing': (x, t, reduction) => F.crossEntropy(x, t, { labelSmoothing: 0.1, reduction }),
  'crossEntropy labelSmoothing weight': (x, t, reduction) => F.crossEntropy(x, t, { weight, labelSmoothing: 0.2, reduction }),
  'crossEntropy probabilities': (x, t, reduction) => F.crossEntropy(x, t, { reduction }),
  'crossEntropy probabilities smoothing weight': (x, t, reduction) => F.crossEntropy(x, t, { weight, labelSmoothing: 0.3, reduction }),
  'crossEntropy 4d': (x, t, reduction) => F.crossEntropy(x, t, { weight, reduction }),
  'crossEntropy large logits': (x, t, reduction) => F.crossEntropy(x, t, { reduction }),
  nllLoss: (x, t, reduction) => F.nllLoss(x, t, { weight, reduction }),
  mseLoss: (x, t, reduction) => F.mseLoss(x, t, { reduction }),
  l1Loss: (x, t, reduction) => F.l1Loss(x, t, { reduction }),
  smoothL1Loss: (x, t, reduction) => F.smoothL1Loss(x, t, { reduction }),
  'smoothL1Loss beta=0.5': (x, t, reduction) => F.smoothL1Loss(x, t, { beta: 0.5, reduction }),
  huberLoss: (x, t, reduction) => F.huberLoss(x, t, { reduction }),
  'huberLoss delta=2': (x, t, reduction) => F.huberLoss(x, t, { delta: 2, reduction }),
  binaryCrossEntropy: (x, t, reduction) => F.binaryCrossEntropy(x, t, { reduction }),
  'binaryCrossEntropy weight': (x, t, reduction) => F.binaryCrossEntropy(x, t, { weight, reduction }),
  binaryCrossEntropyWithLogits: (x, t, reduction) => F.binaryCrossEntropyWithLogits(x, t, { reduction }),
  'binaryCrossEntropyWithLogits posWeight weight': (x, t, reduction) => F.binaryCrossEntropyWithLogits(x, t, { weight, posWeight: ck.mul(weight, 2), reduction }),
  klDiv: (x, t, reduction) => F.klDiv(x, t, { reduction }),
  'klDiv logTarget': (x, t, reduction) => F.klDiv(x, t, { reduction, logTarget: true }),
};

const SPECIAL: Record<string, (x: ck.Tensor, t: ck.Tensor) => ck.Tensor> = {
  'crossEntropy unbatched mean': (x, t) => F.crossEntropy(x, t),
  'crossEntropy unbatched none': (x, t) => F.crossEntropy(x, t, { reduction: 'none' }),
  'crossEntropy all ignored mean': (x, t) => F.crossEntropy(x, t),
  'klDiv batchmean': (x, t) => F.klDiv(x, t, { reduction: 'batchmean' }),
  'binaryCrossEntropy saturated': (x, t) => F.binaryCrossEntropy(x, t),
};

function lossFor(name: string): (x: ck.Tensor, t: ck.Tensor) => ck.Tensor {
  if (SPECIAL[name]) return SPECIAL[name];
  const m = /^(.*) (none|mean|sum)$/.exec(name);
  assert.ok(m && LOSSES[m[1]], `no convkit transcription for fixture case ${name}`);
  return (x, t) => LOSSES[m[1]](x, t, m[2] as Reduction);
}

for (const c of fixture) {
  test(`${c.name} matches PyTorch`, () => {
    const fn = lossFor(c.name);
    const x = fromSpec(c.input, { requiresGrad: true });
    const out = fn(x, fromSpec(c.target));
    assertClose(out, c.output, { rtol: 1e-5, atol: 1e-6 }, 'loss');
    out.backward(fromSpec(c.gradOutput));
    assertClose(x.grad!, c.inputGrad, { rtol: 1e-5, atol: 1e-6 }, 'input gradient');
  });
}
