/** The messages between the Train tab and its training worker (web/src/train-worker.ts): one request, one reply. */
import type { ImageSet, ModelName, StepResult } from './trainer.js';

export type TrainRequest =
  | { id: number; kind: 'start'; model: ModelName; train: ImageSet; test: ImageSet; batch: number; optimizer: 'adam' | 'sgd' }
  | { id: number; kind: 'step' }
  | { id: number; kind: 'evaluate'; limit: number }
  | { id: number; kind: 'weights' };

export type TrainReply =
  | { id: number; kind: 'start'; backend: string; threads: number }
  | { id: number; kind: 'step'; result: StepResult; epoch: number }
  | { id: number; kind: 'evaluate'; result: { loss: number; accuracy: number } }
  | { id: number; kind: 'weights'; bytes: Uint8Array }
  | { id: number; kind: 'error'; message: string };
