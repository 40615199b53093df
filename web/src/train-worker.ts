/**
 * The Train tab's training loop on the wasm backend runs here, in a dedicated worker, not on the page's thread:
 * a page's main thread may not block, so while its wasm threads work it can only spin (Atomics.wait throws
 * there), and a spinning thread holds a core the other threads need. A worker may wait in Atomics.wait as Node's
 * main thread does, so the kernels' threads behave as they do in Node. The page asks for one step at a time
 * (train-page.ts); the same Trainer runs here as in Node (measure-speed.ts).
 */
import * as ck from '../../src/index.js';
import type { TrainReply, TrainRequest } from './train-protocol.js';
import { Trainer, type ImageSet } from './trainer.js';

const scope = self as unknown as { onmessage: ((e: MessageEvent<TrainRequest>) => void) | null; postMessage(m: TrainReply, transfer?: Transferable[]): void };
const started = ck.ready('wasm').then(() => ck.setBackend('wasm'));
let trainer: Trainer | null = null;
let test: ImageSet | null = null;

async function answer(m: TrainRequest): Promise<void> {
  await started;
  if (m.kind === 'start') {
    trainer = new Trainer(m.model, m.train, m.batch, m.optimizer);
    test = m.test;
    scope.postMessage({ id: m.id, kind: 'start', backend: ck.getBackend(), threads: ck.getNumThreads() });
    return;
  }
  if (!trainer || !test) throw new Error('training worker: no model yet (start first)');
  if (m.kind === 'step') {
    const result = await trainer.step();
    scope.postMessage({ id: m.id, kind: 'step', result, epoch: trainer.epoch });
  } else if (m.kind === 'evaluate') {
    scope.postMessage({ id: m.id, kind: 'evaluate', result: await trainer.evaluate(test, m.limit) });
  } else {
    const bytes = ck.io.saveSafetensors(trainer.model.stateDict());
    scope.postMessage({ id: m.id, kind: 'weights', bytes }, [bytes.buffer as ArrayBuffer]);
  }
}

scope.onmessage = (e) => {
  answer(e.data).catch((err: Error) => scope.postMessage({ id: e.data.id, kind: 'error', message: err.message }));
};
