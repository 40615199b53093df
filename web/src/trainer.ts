/**
 * The playground's training, free of the DOM so that Node runs the very same steps (web/speed-node.ts measures
 * the page's model and loop there): the three models, Fashion-MNIST batches prepared as `convkit train` does
 * (Pad(2) to 32×32, Normalize(0.286, 0.353)), one optimiser step, and the test set's loss and accuracy.
 */
import * as ck from '../../src/index.js';

export const MODELS = {
  'lenet5-relu': { label: 'LeNet-5 ReLU/max', build: () => ck.models.lenet5({ activation: 'relu', pool: 'max' }), cli: '--model lenet5' },
  'lenet5-sigmoid': { label: 'LeNet-5 sigmoid/avg', build: () => ck.models.lenet5({ activation: 'sigmoid', pool: 'avg' }), cli: '--model lenet5 --model-options activation=sigmoid,pool=avg' },
  'simple-cnn': { label: 'simple CNN', build: () => ck.models.simpleCnn({ inChannels: 1 }), cli: '--model simpleCnn' },
} as const;
export type ModelName = keyof typeof MODELS;

export const CLASSES = ck.data.FashionMNIST.classes;
export const MEAN = 0.286;
export const STD = 0.353;
const SIDE = 28;
const PADDED = 32;

/** Images as IDX gives them: `count` 28×28 uint8 images, one label each. */
export interface ImageSet {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export function modelNamed(name: string): ModelName {
  if (!(name in MODELS)) throw new Error(`playground: unknown model '${name}', expected one of ${Object.keys(MODELS).join(', ')}`);
  return name as ModelName;
}

/** Parses the two uncompressed IDX files of a split. */
export function imageSet(images: Uint8Array, labels: Uint8Array): ImageSet {
  const set = ck.data.FashionMNIST.fromBytes(images, labels);
  return { pixels: set.images, labels: Uint8Array.from(set.targets as ArrayLike<number>), count: set.length };
}

/** A [n, 1, 32, 32] batch of normalised images from 28×28 grey pixels in 0..255, zero-padded by 2 as Pad(2) does. */
export function toBatch(pixels: Uint8Array | Float32Array, indices: readonly number[]): ck.Tensor {
  const out = new Float32Array(indices.length * PADDED * PADDED).fill((0 - MEAN) / STD);
  indices.forEach((index, b) => {
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        out[b * PADDED * PADDED + (y + 2) * PADDED + x + 2] = (pixels[index * SIDE * SIDE + y * SIDE + x] / 255 - MEAN) / STD;
      }
    }
  });
  return ck.tensor(out).reshape([indices.length, 1, PADDED, PADDED]);
}

/** The zoo's classifiers return one tensor of logits. */
export function forward(model: ck.nn.Module, x: ck.Tensor): ck.Tensor {
  return model.forward(x) as ck.Tensor;
}

export interface StepResult {
  loss: number;
  correct: number;
  count: number;
}

/** What the tabs need of a training run, here or in the training worker (worker-trainer.ts). */
export interface TrainerLike {
  readonly name: ModelName;
  /** The model the other tabs draw and predict with. */
  readonly model: ck.nn.Module;
  readonly epoch: number;
  readonly steps: number;
  step(): Promise<StepResult>;
  evaluate(test: ImageSet, limit?: number): Promise<{ loss: number; accuracy: number }>;
}

export class Trainer implements TrainerLike {
  readonly model: ck.nn.Module;
  private readonly optimizer: ck.optim.Optimizer;
  private order: ArrayLike<number> = [];
  private at = 0;
  epoch = 0;
  steps = 0;

  constructor(readonly name: ModelName, private readonly train: ImageSet, readonly batchSize: number, optimizer: 'adam' | 'sgd', seed = 0) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`Trainer: batchSize must be a positive integer, got ${batchSize}`);
    ck.manualSeed(seed);
    this.model = MODELS[name].build();
    this.optimizer = optimizer === 'adam'
      ? new ck.optim.Adam(this.model.parameters(), { lr: 0.002 })
      : new ck.optim.SGD(this.model.parameters(), { lr: 0.01, momentum: 0.9 });
  }

  private async shuffle(): Promise<void> {
    this.order = await ck.randperm(this.train.count).data();
    this.at = 0;
  }

  /**
   * One optimiser step on the next batch (the last partial batch of an epoch is dropped). Reads are
   * asynchronous, so the same loop runs on devices that cannot read synchronously.
   */
  async step(): Promise<StepResult> {
    if (this.order.length === 0) await this.shuffle();
    else if (this.at + this.batchSize > this.train.count) {
      this.epoch++;
      await this.shuffle();
    }
    const indices = Array.from({ length: this.batchSize }, (_, i) => this.order[this.at + i]);
    this.at += this.batchSize;
    this.model.train();
    const x = toBatch(this.train.pixels, indices);
    const y = ck.tensor(Int32Array.from(indices, (i) => this.train.labels[i]));
    this.optimizer.zeroGrad();
    const logits = forward(this.model, x);
    const loss = ck.nn.functional.crossEntropy(logits, y);
    loss.backward();
    this.optimizer.step();
    this.steps++;
    const correct = ck.noGrad(() => logits.argmax(1).eq(y).sum());
    return { loss: (await loss.data())[0], correct: (await correct.data())[0], count: indices.length };
  }

  /** Loss and accuracy over the first `limit` test images, in batches of 250. */
  async evaluate(test: ImageSet, limit = test.count): Promise<{ loss: number; accuracy: number }> {
    this.model.eval();
    let loss = 0;
    let correct = 0;
    const n = Math.min(limit, test.count);
    for (let start = 0; start < n; start += 250) {
      const indices = Array.from({ length: Math.min(250, n - start) }, (_, i) => start + i);
      const y = ck.tensor(Int32Array.from(indices, (i) => test.labels[i]));
      const [l, c] = ck.noGrad(() => {
        const logits = forward(this.model, toBatch(test.pixels, indices));
        return [ck.nn.functional.crossEntropy(logits, y, { reduction: 'sum' }), logits.argmax(1).eq(y).sum()];
      });
      loss += (await l.data())[0];
      correct += (await c.data())[0];
    }
    return { loss: loss / n, accuracy: correct / n };
  }
}

/** Class probabilities of one 28×28 image (pixels 0..255), best first. */
export async function topK(model: ck.nn.Module, pixels: Uint8Array | Float32Array, k = 5): Promise<{ index: number; name: string; p: number }[]> {
  model.eval();
  const p = await ck.noGrad(() => ck.nn.functional.softmax(forward(model, toBatch(pixels, [0])), 1)).data();
  return Array.from(p, (v, index) => ({ index, name: CLASSES[index] ?? String(index), p: v })).sort((a, b) => b.p - a.p).slice(0, k);
}
