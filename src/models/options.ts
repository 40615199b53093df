/** Option checking shared by the model builders: every option is known, every size a positive integer. */
import type { Linear } from '../nn/index.js';

/** What every model in the zoo accepts. */
export interface ModelOptions {
  /** Size of the last layer. Default 1000 (ImageNet) for the torchvision and Keras models, 10 for the lecture nets. */
  numClasses?: number;
  /** Channels of the input images. Default 3 (1 for LeNet-5). */
  inChannels?: number;
}

/**
 * Refuses options the builder does not know (a misspelt `numclasses` must not be silently ignored) and
 * checks the sizes every builder shares; returns the options with the defaults filled in.
 */
export function checkOptions<T extends ModelOptions>(op: string, opts: T, known: readonly string[], defaults: Required<ModelOptions>): T & Required<ModelOptions> {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new TypeError(`${op}: expected an options object, got ${JSON.stringify(opts)}`);
  const allowed = ['numClasses', 'inChannels', ...known];
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k)) throw new RangeError(`${op}: unknown option '${k}' (expected one of ${allowed.join(', ')})`);
  }
  const out = { ...defaults, ...stripUndefined(opts) } as T & Required<ModelOptions>;
  positiveInt(op, 'numClasses', out.numClasses);
  positiveInt(op, 'inChannels', out.inChannels);
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function positiveInt(op: string, name: string, v: unknown): void {
  if (!Number.isInteger(v) || (v as number) <= 0) throw new RangeError(`${op}: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
}

export function probability(op: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RangeError(`${op}: ${name} must be a probability in [0, 1], got ${JSON.stringify(v)}`);
}

export function oneOf<T extends string>(op: string, name: string, v: unknown, values: readonly T[]): T {
  if (!values.includes(v as T)) throw new RangeError(`${op}: ${name} must be one of ${values.map((s) => `'${s}'`).join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** Every zoo model exposes its final fully connected layer, to read or replace when fine-tuning on new classes. */
export interface HasLastLayer {
  lastLayer: Linear;
}
