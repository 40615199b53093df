/** F.embedding: rows of a weight matrix picked by integer indices (word vectors, learned class codes). */
import { readsSync } from '../backends/registry.js';
import { noGrad, record } from '../core/autograd.js';
import { define, is, signature } from '../core/args.js';
import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { add, amax, amin, detach, div, eq, expand, full, gt, indexPut_, indexSelect, mul, norm, reshape, scatterAdd, unique, unsqueeze, where } from '../ops/index.js';

const EMBEDDING = signature('embedding', 'torch.nn.functional.', [['input', is.tensor], ['weight', is.tensor]], [
  ['paddingIdx', is.nullable(is.int)], ['maxNorm', is.nullable(is.number)], ['normType', is.number],
  ['scaleGradByFreq', is.bool], ['sparse', is.bool],
]);

/**
 * weight[input]: output [...input.shape, embeddingDim]. The row at paddingIdx gets no gradient; with maxNorm,
 * the rows used are first rescaled in place to norm <= maxNorm, as PyTorch does.
 */
export const embedding = define(EMBEDDING, (v): Tensor => {
  const { input, weight, paddingIdx = null, maxNorm = null, normType = 2, scaleGradByFreq = false, sparse = false } = v;
  if (input.dtype !== 'int32') throw new TypeError(`embedding: expected int32 indices, got a ${input.dtype} input ${fmt(input.shape)}`);
  if (weight.ndim !== 2) throw new RangeError(`embedding: expected a 2-D weight [numEmbeddings, embeddingDim], got ${fmt(weight.shape)}`);
  if (scaleGradByFreq || sparse) throw new Error(`embedding: ${scaleGradByFreq ? 'scaleGradByFreq' : 'sparse'} gradients are not supported; leave it false`);
  const [rows, dim] = weight.shape;
  const pad = paddingIdx === null ? null : paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
  if (pad !== null && (pad < 0 || pad >= rows)) throw new RangeError(`embedding: paddingIdx ${paddingIdx} must be within the ${rows} embeddings`);
  const flat = reshape(input, [input.numel()]);
  // a host check where reading is free (CPU); on other devices the gather kernel reports a bad index
  if (flat.numel() > 0 && readsSync(flat.device)) {
    const lo = amin(flat).item();
    const hi = amax(flat).item();
    if (lo < 0 || hi >= rows) throw new RangeError(`embedding: index ${lo < 0 ? lo : hi} is out of range for ${rows} embeddings`);
  }
  if (maxNorm !== null) renormRows(weight, flat, maxNorm, normType);
  const out = reshape(noGrad(() => indexSelect(detach(weight), 0, flat)), [...input.shape, dim]);
  return record('EmbeddingBackward0', out, [weight], (g) => {
    let rowsGrad = reshape(g, [flat.numel(), dim]);
    if (pad !== null) rowsGrad = where(unsqueeze(eq(flat, pad), 1), 0, rowsGrad);
    return [scatterAdd(full([rows, dim], 0, { dtype: g.dtype }), 0, expand(unsqueeze(flat, 1), [flat.numel(), dim]), rowsGrad)];
  });
});

/** Rows used by `flat` whose normType-norm exceeds maxNorm scaled to maxNorm (torch.embedding_renorm_). */
function renormRows(weight: Tensor, flat: Tensor, maxNorm: number, normType: number): void {
  noGrad(() => {
    const used = unique(flat) as Tensor;
    const picked = indexSelect(weight, 0, used);
    const norms = norm(picked, normType, 1, true);
    const scale = where(gt(norms, maxNorm), div(maxNorm, add(norms, 1e-7)), 1);
    indexPut_(weight, [used], mul(picked, scale));
  });
}
