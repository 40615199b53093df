/** What the pages share: the data, the model being trained, and listeners told after each step. */
import type { ImageSet, TrainerLike } from './trainer.js';

export interface App {
  train: ImageSet | null;
  test: ImageSet | null;
  trainer: TrainerLike | null;
  /** Called every few steps while training, and once when training ends. */
  onProgress: (() => Promise<void>)[];
  /** What the training loop recorded: per-step loss, test evaluations, images per second. */
  history: { losses: number[]; tests: { step: number; loss: number; accuracy: number }[]; imagesPerSecond: number };
}

export const app: App = { train: null, test: null, trainer: null, onProgress: [], history: { losses: [], tests: [], imagesPerSecond: 0 } };

export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: the page has no element #${id}`);
  return el as T;
};

/** Lets the browser paint and handle clicks between training steps (a message is not clamped as setTimeout is). */
export function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}
