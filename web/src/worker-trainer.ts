/**
 * A Trainer whose steps run in the training worker (train-worker.ts), with the model mirrored on the page: the
 * other tabs draw and predict with `model`, which `sync()` brings up to date with the worker's weights.
 */
import * as ck from '../../src/index.js';
import type { TrainReply, TrainRequest } from './train-protocol.js';
import { MODELS, type ImageSet, type ModelName, type StepResult, type TrainerLike } from './trainer.js';

type Request = TrainRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class WorkerTrainer implements TrainerLike {
  readonly model: ck.nn.Module;
  epoch = 0;
  steps = 0;
  /** The threads the worker's kernels run on (ck.getNumThreads() there). */
  threads = 1;
  private readonly worker: Worker;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (r: TrainReply) => void; reject: (e: Error) => void }>();

  private constructor(readonly name: ModelName) {
    this.model = ck.withBackend('wasm', () => MODELS[name].build());
    this.worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<TrainReply>) => {
      const p = this.pending.get(e.data.id);
      this.pending.delete(e.data.id);
      if (e.data.kind === 'error') p?.reject(new Error(e.data.message));
      else p?.resolve(e.data);
    };
    this.worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`training worker: ${e.message}`));
      this.pending.clear();
    };
  }

  static async start(name: ModelName, train: ImageSet, test: ImageSet, batch: number, optimizer: 'adam' | 'sgd'): Promise<WorkerTrainer> {
    const t = new WorkerTrainer(name);
    const reply = await t.ask({ kind: 'start', model: name, train, test, batch, optimizer });
    if (reply.kind === 'start') t.threads = reply.threads;
    return t;
  }

  private ask(request: Request): Promise<TrainReply> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  async step(): Promise<StepResult> {
    const reply = await this.ask({ kind: 'step' });
    if (reply.kind !== 'step') throw new Error(`training worker: expected a step, got ${reply.kind}`);
    this.steps++;
    this.epoch = reply.epoch;
    return reply.result;
  }

  /** Loss and accuracy over the first `limit` images of the test split the worker was started with. */
  async evaluate(_test: ImageSet, limit?: number): Promise<{ loss: number; accuracy: number }> {
    const reply = await this.ask({ kind: 'evaluate', limit: limit ?? Infinity });
    if (reply.kind !== 'evaluate') throw new Error(`training worker: expected an evaluation, got ${reply.kind}`);
    return reply.result;
  }

  /** Copies the worker's current weights into `model`. */
  async sync(): Promise<void> {
    const reply = await this.ask({ kind: 'weights' });
    if (reply.kind !== 'weights') throw new Error(`training worker: expected weights, got ${reply.kind}`);
    ck.withBackend('wasm', () => this.model.loadStateDict(ck.io.loadSafetensors(reply.bytes)));
  }

  close(): void {
    this.worker.terminate();
  }
}
