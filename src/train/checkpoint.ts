/**
 * Training checkpoints: everything `fit` needs to continue exactly where it stopped. Tensors (model
 * parameters and buffers, optimiser buffers) go in one state dict saved as safetensors; the rest
 * (epoch, history, optimiser options and step counts, scheduler, early stopping, generator states)
 * is JSON. Where they are kept is a CheckpointStore's business: in memory here, a directory in
 * convkit/node (written atomically).
 */
import { Tensor } from '../core/tensor.js';
import type { Generator } from '../core/random.js';
import type { Module, StateDict } from '../nn/module.js';
import type { EpochRecord } from './history.js';

/** The parts of an optimiser fit saves (torch.optim.Optimizer's state_dict / load_state_dict). */
export interface OptimizerLike {
  zeroGrad(): void;
  step(): unknown;
  readonly paramGroups: { lr: number }[];
  stateDict(): { state: Record<number, Record<string, Tensor | number>>; paramGroups: Record<string, unknown>[] };
  loadStateDict(state: { state: Record<number, Record<string, Tensor | number>>; paramGroups: Record<string, unknown>[] }): void;
}

/** An lr scheduler stepped once per epoch (or per batch for one-cycle). */
export interface EpochSchedulerLike {
  step(): void;
  stateDict(): Record<string, unknown>;
  loadStateDict(state: Record<string, unknown>): void;
}

/** A scheduler that reads the monitored metric (ReduceLROnPlateau). */
export interface PlateauSchedulerLike {
  step(metric: number): void;
  stateDict(): object;
  loadStateDict(state: never): void;
}

export type SchedulerLike = EpochSchedulerLike | PlateauSchedulerLike;

/** An early-stopping rule: `step(metric)` returns true when training should stop. */
export interface EarlyStoppingLike {
  readonly mode?: 'min' | 'max';
  step(metric: number): boolean;
  stateDict(): object;
  loadStateDict(state: never): void;
}

/** Where an interrupted epoch stood: its batch order, how far it got, and its running sums. */
export interface PartialEpoch {
  order: number[][];
  batchesDone: number;
  sums: { loss: number; correct: number; seen: number; seconds: number };
}

export interface CheckpointMeta {
  format: 'convkit-checkpoint';
  version: 1;
  /** Completed epochs. */
  epoch: number;
  history: EpochRecord[];
  optimizer: { type: string; paramGroups: Record<string, unknown>[]; state: Record<number, Record<string, number>> };
  scheduler: { type: string; state: object } | null;
  earlyStopping: object | null;
  /** getState() of each generator fit was given, in order. */
  generators: number[][];
  partial: PartialEpoch | null;
}

export interface Checkpoint {
  tensors: StateDict;
  meta: CheckpointMeta;
}

export interface CheckpointStore {
  /** Where checkpoints go, for messages. */
  readonly location: string;
  save(checkpoint: Checkpoint): Promise<void>;
  /** The latest checkpoint, or null when there is none. */
  load(): Promise<Checkpoint | null>;
}

/** Keeps the latest checkpoint in memory (tests, browsers). */
export function memoryCheckpointStore(): CheckpointStore & { latest: Checkpoint | null } {
  return {
    location: 'memory',
    latest: null,
    async save(c) {
      this.latest = { tensors: { ...c.tensors }, meta: structuredClone(c.meta) };
    },
    async load() {
      return this.latest;
    },
  };
}

export interface TrainingState {
  model: Module;
  optimizer: OptimizerLike;
  scheduler?: SchedulerLike;
  earlyStopping?: EarlyStoppingLike;
  generators: readonly Generator[];
}

const OPTIMIZER_PREFIX = 'optimizer.';

/** A snapshot of the training state (tensors are copied, so training can go on). */
export function makeCheckpoint(s: TrainingState, epoch: number, history: readonly EpochRecord[], partial: PartialEpoch | null): Checkpoint {
  const tensors: StateDict = {};
  for (const [k, t] of Object.entries(s.model.stateDict())) tensors[`model.${k}`] = t.detach().clone();
  const sd = s.optimizer.stateDict();
  const numbers: Record<number, Record<string, number>> = {};
  for (const [id, entries] of Object.entries(sd.state)) {
    numbers[Number(id)] = {};
    for (const [k, v] of Object.entries(entries)) {
      if (v instanceof Tensor) tensors[`${OPTIMIZER_PREFIX}${id}.${k}`] = v.detach().clone();
      else numbers[Number(id)][k] = v;
    }
  }
  return {
    tensors,
    meta: {
      format: 'convkit-checkpoint',
      version: 1,
      epoch,
      history: structuredClone(history as EpochRecord[]),
      optimizer: { type: s.optimizer.constructor.name, paramGroups: sd.paramGroups, state: numbers },
      scheduler: s.scheduler ? { type: s.scheduler.constructor.name, state: s.scheduler.stateDict() } : null,
      earlyStopping: s.earlyStopping ? s.earlyStopping.stateDict() : null,
      generators: s.generators.map((g) => g.getState()),
      partial: partial ? structuredClone(partial) : null,
    },
  };
}

/** Puts a checkpoint's state back into the model, optimiser, scheduler, early stopping and generators. */
export function restoreCheckpoint(c: Checkpoint, s: TrainingState, where: string): void {
  const m = c.meta;
  if (m?.format !== 'convkit-checkpoint' || m.version !== 1) throw new Error(`resume: ${where} is not a convkit checkpoint (version 1)`);
  const mismatch = (what: string, saved: string, given: string): Error =>
    new Error(`resume: the checkpoint in ${where} was saved with ${what} ${saved}, but fit was given ${given}`);
  if (m.optimizer.type !== s.optimizer.constructor.name) throw mismatch('optimizer', m.optimizer.type, s.optimizer.constructor.name);
  const schedulerType = s.scheduler?.constructor.name ?? 'none';
  if ((m.scheduler?.type ?? 'none') !== schedulerType) throw mismatch('scheduler', m.scheduler?.type ?? 'none', schedulerType);
  if (m.generators.length !== s.generators.length) throw mismatch('a number of generators of', String(m.generators.length), String(s.generators.length));
  const model: StateDict = {};
  const state: Record<number, Record<string, Tensor | number>> = {};
  for (const [id, entries] of Object.entries(m.optimizer.state)) state[Number(id)] = { ...entries };
  for (const [k, t] of Object.entries(c.tensors)) {
    if (k.startsWith('model.')) model[k.slice(6)] = t;
    else if (k.startsWith(OPTIMIZER_PREFIX)) {
      const [id, ...name] = k.slice(OPTIMIZER_PREFIX.length).split('.');
      (state[Number(id)] ??= {})[name.join('.')] = t;
    } else throw new Error(`resume: unexpected tensor '${k}' in the checkpoint in ${where}`);
  }
  s.model.loadStateDict(model);
  s.optimizer.loadStateDict({ state, paramGroups: m.optimizer.paramGroups });
  if (s.scheduler && m.scheduler) s.scheduler.loadStateDict(m.scheduler.state as never);
  if (s.earlyStopping && m.earlyStopping) s.earlyStopping.loadStateDict(m.earlyStopping as never);
  s.generators.forEach((g, i) => g.setState(m.generators[i]));
}

/** JSON that keeps Infinity and NaN (early stopping's initial best, a generator without a spare normal). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v), 1);
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text, (_, v) => (v && typeof v === 'object' && typeof v.$number === 'string' && Object.keys(v).length === 1 ? Number(v.$number) : v)) as T;
}
