/** Embedding: a lookup table of learned vectors indexed by integers. */
import { noGrad } from '../../core/autograd.js';
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import { fmt } from '../../core/shape.js';
import { Tensor } from '../../core/tensor.js';
import { clone, detach, empty } from '../../ops/index.js';
import { checkPositiveInt, pyFloat } from '../check.js';
import { embedding } from '../embedding.js';
import { normal_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

const EMBEDDING = signature('Embedding', 'torch.nn.', [['numEmbeddings', is.int], ['embeddingDim', is.int]], [
  ['paddingIdx', is.nullable(is.int)], ['maxNorm', is.nullable(is.number)], ['normType', is.number],
  ['scaleGradByFreq', is.bool], ['sparse', is.bool], ['weight', is.nullable(is.tensor)],
]);

const FROM_PRETRAINED = signature('Embedding.fromPretrained', 'torch.nn.Embedding.', [['embeddings', is.tensor]], [
  ['freeze', is.bool], ['paddingIdx', is.nullable(is.int)], ['maxNorm', is.nullable(is.number)], ['normType', is.number],
  ['scaleGradByFreq', is.bool], ['sparse', is.bool],
]);

/** weight[numEmbeddings, embeddingDim] ~ N(0, 1), the paddingIdx row zero and without gradient. */
export class Embedding extends Module {
  weight: Parameter;
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;

  constructor(...args: ArgsOf<typeof EMBEDDING>) {
    super();
    const { numEmbeddings, embeddingDim, paddingIdx = null, maxNorm = null, normType = 2, scaleGradByFreq = false, sparse = false, weight = null } = parseArgs(EMBEDDING, args);
    checkPositiveInt(numEmbeddings, 'Embedding', 'numEmbeddings');
    checkPositiveInt(embeddingDim, 'Embedding', 'embeddingDim');
    if (scaleGradByFreq || sparse) throw new Error(`Embedding: ${scaleGradByFreq ? 'scaleGradByFreq' : 'sparse'} gradients are not supported; leave it false`);
    if (paddingIdx !== null && (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)) {
      throw new RangeError(`Embedding: paddingIdx ${paddingIdx} must be within numEmbeddings (${numEmbeddings})`);
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = paddingIdx === null ? null : paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    this.maxNorm = maxNorm;
    this.normType = normType;
    if (weight) {
      if (weight.ndim !== 2 || weight.shape[0] !== numEmbeddings || weight.shape[1] !== embeddingDim) {
        throw new RangeError(`Embedding: weight must be [${numEmbeddings}, ${embeddingDim}], got ${fmt(weight.shape)}`);
      }
      this.weight = new Parameter(clone(detach(weight)));
    } else {
      this.weight = new Parameter(empty([numEmbeddings, embeddingDim]));
      this.resetParameters();
    }
  }

  /** An Embedding holding `embeddings` (frozen unless freeze is false), as Embedding.from_pretrained. */
  static fromPretrained(...args: ArgsOf<typeof FROM_PRETRAINED>): Embedding {
    const { embeddings, freeze = true, paddingIdx = null, maxNorm = null, normType = 2 } = parseArgs(FROM_PRETRAINED, args);
    if (!(embeddings instanceof Tensor) || embeddings.ndim !== 2) throw new RangeError(`Embedding.fromPretrained: expected a 2-D embeddings tensor, got ${embeddings instanceof Tensor ? fmt(embeddings.shape) : typeof embeddings}`);
    const m = new Embedding(embeddings.shape[0], embeddings.shape[1], paddingIdx, maxNorm, normType, false, false, embeddings);
    m.weight.requiresGrad = !freeze;
    return m;
  }

  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, this.paddingIdx, this.maxNorm, this.normType);
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    return s;
  }
}

withSignature(Embedding, EMBEDDING);
