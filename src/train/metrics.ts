import { noGrad } from '../core/autograd.js';
import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';

/** Classification results accumulated over batches: loss, accuracy, top-k accuracy and the confusion matrix. */
export interface ClassificationResult {
  /** Mean loss per sample. */
  loss: number;
  /** Fraction of samples whose arg-max class is the target. */
  accuracy: number;
  /** Fraction of samples whose target is among the k highest scores, by k. */
  topk: Record<number, number>;
  /** confusionMatrix[target][predicted] counts. */
  confusionMatrix: number[][];
  /** Accuracy of each target class (NaN for a class without samples). */
  perClassAccuracy: number[];
  count: number;
  /** The arg-max class and the target of every sample, in loader order. */
  predictions: Int32Array;
  targets: Int32Array;
}

/** Accumulates a classifier's outputs batch by batch; `result()` summarises them. */
export class ClassificationMeter {
  private lossSum = 0;
  private correct = 0;
  private readonly topkHits: number[];
  private readonly predictions: number[] = [];
  private readonly targets: number[] = [];
  private numClasses: number;

  constructor(readonly topk: readonly number[] = [1], numClasses = 0) {
    topk.forEach((k) => {
      if (!Number.isInteger(k) || k < 1) throw new RangeError(`ClassificationMeter: top-k values must be positive integers, got ${k}`);
    });
    this.topkHits = topk.map(() => 0);
    this.numClasses = numClasses;
  }

  /** Adds a batch: logits [N, C], int32 targets [N], and the batch's mean loss. */
  update(logits: Tensor, targets: Tensor, meanLoss: number): void {
    if (logits.ndim !== 2 || targets.ndim !== 1 || targets.shape[0] !== logits.shape[0]) {
      throw new RangeError(`ClassificationMeter: expected logits [N, C] and targets [N], got ${fmt(logits.shape)} and ${fmt(targets.shape)}`);
    }
    const n = logits.shape[0];
    this.numClasses = Math.max(this.numClasses, logits.shape[1]);
    noGrad(() => {
      const l = logits.detach();
      const y = targets.to('int32');
      const predicted = l.argmax(1).dataSync();
      // a target's rank: how many classes score strictly higher than it
      const ranks = l.gt(l.gather(1, y.unsqueeze(1))).sum(1).dataSync();
      const t = y.dataSync();
      for (let i = 0; i < n; i++) {
        this.predictions.push(predicted[i]);
        this.targets.push(t[i]);
        if (predicted[i] === t[i]) this.correct++;
        this.topk.forEach((k, j) => {
          if (k === 1 ? predicted[i] === t[i] : ranks[i] < k) this.topkHits[j]++;
        });
      }
    });
    this.lossSum += meanLoss * n;
  }

  get count(): number {
    return this.targets.length;
  }

  /** Running mean loss and accuracy, for progress displays. */
  running(): { loss: number; accuracy: number } {
    return { loss: this.lossSum / this.count, accuracy: this.correct / this.count };
  }

  result(): ClassificationResult {
    const c = this.numClasses;
    const confusionMatrix = Array.from({ length: c }, () => new Array<number>(c).fill(0));
    for (let i = 0; i < this.count; i++) {
      const [t, p] = [this.targets[i], this.predictions[i]];
      if (t >= 0 && t < c) confusionMatrix[t][p]++;
    }
    const correct = confusionMatrix.reduce((a, row, i) => a + row[i], 0);
    return {
      loss: this.lossSum / this.count,
      accuracy: correct / this.count,
      topk: Object.fromEntries(this.topk.map((k, j) => [k, this.topkHits[j] / this.count])),
      confusionMatrix,
      perClassAccuracy: confusionMatrix.map((row, i) => row[i] / row.reduce((a, b) => a + b, 0)),
      count: this.count,
      predictions: Int32Array.from(this.predictions),
      targets: Int32Array.from(this.targets),
    };
  }
}

/** How many rows of logits [N, C] have their (first) arg-max at the target; read once, counted in JavaScript. */
export function countCorrect(logits: Tensor, targets: Tensor): number {
  const [n, c] = logits.shape;
  const l = logits.dataSync();
  const t = targets.dataSync();
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < c; k++) if (l[i * c + k] > l[i * c + best]) best = k;
    if (best === t[i]) correct++;
  }
  return correct;
}
