/** The default loss of fit and evaluate. */
import type { Tensor } from '../core/tensor.js';
import { gather } from '../ops/indexing.js';
import { logsumexp, mean } from '../ops/reduce.js';
import { sub } from '../ops/elementwise.js';
import { unsqueeze, squeeze } from '../ops/views.js';

export function crossEntropy(logits: Tensor, target: Tensor): Tensor {
  return mean(sub(logsumexp(logits, 1), squeeze(gather(logits, 1, unsqueeze(target, 1)), 1)));
}
