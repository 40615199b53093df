/** The files a training run leaves in its --out directory. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/files.js';

export const files = (out: string) => ({
  config: join(out, 'config.json'),
  metrics: join(out, 'metrics.json'),
  weights: join(out, 'model.safetensors'),
  report: join(out, 'report.html'),
  checkpoints: join(out, 'checkpoints'),
});

/** What a run was started with: enough to resume it, evaluate its weights or predict with them. */
export interface RunConfig {
  model: string;
  modelOptions: Record<string, string | number | boolean>;
  data: string;
  dataDir: string | null;
  classes: string[];
  epochs: number;
  batchSize: number;
  optimizer: string;
  lr: number;
  momentum: number;
  weightDecay: number;
  scheduler: string;
  augment: boolean;
  seed: number;
  valSplit: number;
  trainSize: number | null;
  testSize: number | null;
  backend: string;
}

export function writeJson(path: string, value: unknown): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileAtomic(path, new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`));
}

export function readConfig(path: string): RunConfig | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunConfig) : null;
}
