/** How each loss fixture case (test/fixtures/nn_losses.json, tools/gen_nn_fixtures.py) is called in convkit. */
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import type { TensorSpec } from '../helpers/index.js';

const F = ck.nn.functional;
type Reduction = ck.nn.functional.Reduction;

export interface LossCase {
  name: string;
  input: TensorSpec;
  target: TensorSpec;
  output: TensorSpec;
  gradOutput: TensorSpec;
  inputGrad: TensorSpec;
}

type LossFn = (x: ck.Tensor, t: ck.Tensor, reduction: Reduction) => ck.Tensor;
/** The convkit call of each fixture case; `weight` is the generator's class weights on the case's device. */
const losses = (weight: ck.Tensor): Record<string, LossFn> => ({
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
});

const SPECIAL: Record<string, (x: ck.Tensor, t: ck.Tensor) => ck.Tensor> = {
  'crossEntropy unbatched mean': (x, t) => F.crossEntropy(x, t),
  'crossEntropy unbatched none': (x, t) => F.crossEntropy(x, t, { reduction: 'none' }),
  'crossEntropy all ignored mean': (x, t) => F.crossEntropy(x, t),
  'klDiv batchmean': (x, t) => F.klDiv(x, t, { reduction: 'batchmean' }),
  'binaryCrossEntropy saturated': (x, t) => F.binaryCrossEntropy(x, t),
};

export function lossFor(name: string, weight: ck.Tensor): (x: ck.Tensor, t: ck.Tensor) => ck.Tensor {
  if (SPECIAL[name]) return SPECIAL[name];
  const m = /^(.*) (none|mean|sum)$/.exec(name);
  const table = losses(weight);
  assert.ok(m && table[m[1]], `no convkit transcription for fixture case ${name}`);
  return (x, t) => table[m[1]](x, t, m[2] as Reduction);
}

