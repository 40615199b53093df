import { noGrad } from '../core/autograd.js';
import { readsSync } from '../backends/registry.js';
import { keep } from '../core/memory.js';
import { Tensor } from '../core/tensor.js';
import { describe } from '../ops/dispatch.js';

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

/** One batch's per-sample facts, still on the device until the meter reads them. */
interface Pending {
  predicted: Tensor;
  ranks: Tensor;
  targets: Tensor;
  /** The batch's summed loss: a number, or a 0-d tensor on the device. */
  loss: Tensor | number;
}

/**
 * Accumulates a classifier's outputs batch by batch; `result()` summarises them. A batch's arg-max classes, target
 * ranks and loss are computed on the device and read in one asynchronous batch by `await meter.flush()` (on a
 * CPU device `result()` reads what is left itself), so no synchronous read happens on a GPU.
 */
export class ClassificationMeter {
  private lossSum = 0;
  private correct = 0;
  private readonly topkHits: number[];
  private readonly predictions: number[] = [];
  private readonly targets: number[] = [];
  private numClasses: number;
  private pending: Pending[] = [];

  constructor(readonly topk: readonly number[] = [1], numClasses = 0) {
    topk.forEach((k) => {
      if (!Number.isInteger(k) || k < 1) throw new RangeError(`ClassificationMeter: top-k values must be positive integers, got ${k}`);
    });
    this.topkHits = topk.map(() => 0);
    this.numClasses = numClasses;
  }

  /** Adds a batch: logits [N, C], int32 targets [N], and the batch's mean loss (a number or a 0-d tensor). */
  update(logits: Tensor, targets: Tensor, meanLoss: Tensor | number): void {
    if (!(logits instanceof Tensor) || !(targets instanceof Tensor) || logits.ndim !== 2 || targets.ndim !== 1 || targets.shape[0] !== logits.shape[0]) {
      throw new RangeError(`ClassificationMeter: expected logits [N, C] and targets [N], got ${describe(logits)} and ${describe(targets)}`);
    }
    if (typeof meanLoss !== 'number' && !(meanLoss instanceof Tensor)) throw new TypeError(`ClassificationMeter: expected the mean loss as a number or a Tensor, got ${describe(meanLoss)}`);
    const n = logits.shape[0];
    this.numClasses = Math.max(this.numClasses, logits.shape[1]);
    noGrad(() => {
      const l = logits.detach();
      const y = targets.to('int32');
      // a target's rank: how many classes score strictly higher than it
      const ranks = l.gt(l.gather(1, y.unsqueeze(1))).sum(1);
      const loss = typeof meanLoss === 'number' ? meanLoss * n : meanLoss.detach().mul(n);
      this.pending.push({ predicted: keep(l.argmax(1)), ranks: keep(ranks), targets: keep(y.clone()), loss: loss instanceof Tensor ? keep(loss) : loss });
    });
  }

  /** Reads the batches added since the last flush (one asynchronous read per tensor, every device). */
  async flush(): Promise<void> {
    const batches = this.pending;
    this.pending = [];
    for (const b of batches) {
      const [predicted, ranks, targets, loss] = await Promise.all([b.predicted.data(), b.ranks.data(), b.targets.data(), b.loss instanceof Tensor ? b.loss.data() : [b.loss]]);
      this.count_(predicted, ranks, targets, loss[0]);
      release(b);
    }
  }

  private flushSync(): void {
    if (this.pending.some((b) => !readsSync(b.predicted.device))) {
      throw new Error(`ClassificationMeter: batches on '${this.pending[0].predicted.device}' are read with \`await meter.flush()\` before result()`);
    }
    for (const b of this.pending) {
      this.count_(b.predicted.dataSync(), b.ranks.dataSync(), b.targets.dataSync(), b.loss instanceof Tensor ? b.loss.item() : b.loss);
      release(b);
    }
    this.pending = [];
  }

  private count_(predicted: ArrayLike<number>, ranks: ArrayLike<number>, t: ArrayLike<number>, loss: number): void {
    for (let i = 0; i < t.length; i++) {
      this.predictions.push(predicted[i]);
      this.targets.push(t[i]);
      if (predicted[i] === t[i]) this.correct++;
      this.topk.forEach((k, j) => {
        if (k === 1 ? predicted[i] === t[i] : ranks[i] < k) this.topkHits[j]++;
      });
    }
    this.lossSum += loss;
  }

  /** Samples read so far (after flush). */
  get count(): number {
    return this.targets.length;
  }

  /** Running mean loss and accuracy, for progress displays. */
  running(): { loss: number; accuracy: number } {
    return { loss: this.lossSum / this.count, accuracy: this.correct / this.count };
  }

  result(): ClassificationResult {
    this.flushSync();
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

/** How many rows of logits [N, C] have their (first) arg-max at the target, as a 0-d int32 tensor on their device. */
export function countCorrect(logits: Tensor, targets: Tensor): Tensor {
  return noGrad(() => logits.detach().argmax(1).eq(targets.to('int32')).sum());
}

function release(b: Pending): void {
  for (const t of [b.predicted, b.ranks, b.targets, b.loss]) if (t instanceof Tensor) t.dispose();
}
