/**
 * `ck.summary(model, inputShape)`: one forward pass with every module's forward wrapped, recording each call's
 * output shape, parameters and mult-adds, as torchinfo does for PyTorch. The model comes back unchanged:
 * forward methods, train/eval flags and (in train mode) running statistics are restored afterwards.
 */
import { scope } from '../core/memory.js';
import { noGrad } from '../core/autograd.js';
import type { DType } from '../core/dtype.js';
import { fmt, numel } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import { clone, copy_, zeros } from '../ops/index.js';
import { formatSummary } from './table.js';

export interface SummaryOptions {
  /** Rows deeper than this are left out of the printed table (they still count in the totals). Default 3. */
  depth?: number;
  /** Run the pass in eval mode (the default, as torchinfo) or train mode (auxiliary classifiers, dropout). */
  mode?: 'eval' | 'train';
  /** Element type of the input zeros; also the size used for the byte estimates. Default float32. */
  dtype?: DType;
}

export interface SummaryRow {
  /** Dotted path in the module tree ('' for the model itself). */
  name: string;
  type: string;
  /** 0 for the model, 1 for its children, ... */
  depth: number;
  /** Position among the calls at this depth, counted through the whole pass (torchinfo's depth-idx). */
  index: number;
  /** Shape of the (first) tensor the call returned. */
  outputShape: number[];
  /** Elements of every tensor the call returned. */
  outputElements: number;
  /** Parameters of this module and its descendants. */
  params: number;
  /** Parameters held by this module itself. */
  ownParams: number;
  /** torchinfo's rule: own parameters x output positions x batch for a convolution, x batch for other layers. */
  multAdds: number;
  /** The module has children (its parameters are listed under them). */
  isContainer: boolean;
  /** An earlier row is the same module (called again, as a ReLU reused inside a block). */
  isRepeat: boolean;
}

export interface Summary {
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** Floating-point buffers (running mean/variance), not integer counters such as num_batches_tracked. */
  bufferElements: number;
  multAdds: number;
  inputBytes: number;
  /** Outputs of the layers that hold parameters, twice (kept for backward, plus their gradients), as torchinfo. */
  forwardBackwardBytes: number;
  paramBytes: number;
  /** Rows shown by toString (depth <= options.depth). */
  depth: number;
  toString(): string;
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

function checkInputShapes(inputShape: readonly number[] | readonly (readonly number[])[]): number[][] {
  const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as number[][];
  for (const s of shapes) {
    if (!Array.isArray(s) || s.length === 0 || !s.every((d) => Number.isInteger(d) && d > 0)) {
      throw new RangeError(`summary: expected an input shape of positive integers such as [1, 3, 224, 224], got ${JSON.stringify(s)}`);
    }
  }
  return shapes;
}

function tensorsIn(out: unknown): Tensor[] {
  if (out instanceof Tensor) return [out];
  if (Array.isArray(out)) return out.flatMap(tensorsIn);
  if (out !== null && typeof out === 'object') return Object.values(out).flatMap(tensorsIn);
  return [];
}

const countOf = (ts: readonly Tensor[]): number => ts.reduce((n, t) => n + t.numel(), 0);

/** torchinfo's count: convolutions cost their parameters once per output position, other layers once per sample. */
function multAddsOf(module: Module, ownParams: number, output: Tensor | undefined): number {
  if (ownParams === 0 || !output) return 0;
  const batch = output.shape[0] ?? 1;
  const isConv = module.constructor.name.includes('Conv');
  return isConv ? ownParams * batch * numel(output.shape.slice(2)) : ownParams * batch;
}

/** Wraps every module's forward to record a row per call; returns the function that unwraps them. */
function instrument(model: Module, rows: SummaryRow[]): () => void {
  const names = new Map(model.namedModules().map(([name, m]) => [m, name]));
  const seen = new Set<Module>();
  const counters: number[] = [];
  let depth = 0;
  const ownForwards = new Map<Module, PropertyDescriptor | undefined>();
  for (const m of names.keys()) {
    const original = m.forward;
    ownForwards.set(m, Object.getOwnPropertyDescriptor(m, 'forward'));
    const wrapped = (...args: unknown[]): unknown => {
      counters[depth] = (counters[depth] ?? 0) + 1;
      const row: SummaryRow = {
        name: names.get(m)!, type: m.constructor.name, depth, index: counters[depth], outputShape: [], outputElements: 0,
        params: countOf(m.parameters()), ownParams: countOf(m.namedParametersOwn().flatMap(([, p]) => (p ? [p] : []))),
        multAdds: 0, isContainer: m.children().length > 0, isRepeat: seen.has(m),
      };
      seen.add(m);
      rows.push(row);
      depth++;
      let out: unknown;
      try {
        out = original.apply(m, args);
      } finally {
        depth--;
      }
      const outputs = tensorsIn(out);
      row.outputShape = outputs[0]?.shape.slice() ?? [];
      row.outputElements = countOf(outputs);
      row.multAdds = multAddsOf(m, row.ownParams, outputs[0]);
      return out;
    };
    Object.defineProperty(m, 'forward', { value: wrapped, configurable: true, writable: true, enumerable: false });
  }
  return () => {
    for (const [m, own] of ownForwards) {
      // a forward defined on the instance itself (an arrow-function field) is put back, the prototype's uncovered
      if (own) Object.defineProperty(m, 'forward', own);
      else delete (m as { forward?: unknown }).forward;
    }
  };
}

/**
 * Runs fn with the model in the requested mode, then restores each module's flag and, in train mode, every
 * buffer (BatchNorm's running statistics move in a training pass), whether updated in place or replaced.
 */
function inMode<T>(model: Module, mode: 'eval' | 'train', fn: () => T): T {
  const flags = model.modules().map((m) => [m, m.training] as const);
  const buffers = mode === 'eval' ? [] : model.modules().flatMap((m) =>
    m.namedBuffers().filter(([name]) => !name.includes('.')).map(([name, b]) => ({ m, name, b, saved: clone(b) })));
  model.train(mode === 'train');
  try {
    return fn();
  } finally {
    for (const [m, flag] of flags) m.training = flag;
    for (const { m, name, b, saved } of buffers) {
      copy_(b, saved);
      m.setBuffer(name, b);
    }
  }
}

/** Runs one forward pass on zeros of `inputShape` and tabulates every module call, like torchinfo.summary. */
export function summary(model: Module, inputShape: readonly number[] | readonly (readonly number[])[], opts: SummaryOptions = {}): Summary {
  const { depth = 3, mode = 'eval', dtype = 'float32' } = opts;
  if (!Number.isInteger(depth) || depth < 0) throw new RangeError(`summary: depth must be a non-negative integer, got ${depth}`);
  if (mode !== 'eval' && mode !== 'train') throw new RangeError(`summary: mode must be 'eval' or 'train', got ${JSON.stringify(mode)}`);
  const shapes = checkInputShapes(inputShape);
  const rows: SummaryRow[] = [];
  const uninstrument = instrument(model, rows);
  try {
    // on the model's device, in a scope: the activations are freed as soon as their shapes are noted
    const device = model.parameters()[0]?.device;
    scope(() => noGrad(() => inMode(model, mode, () => model.call(...shapes.map((s) => zeros(s, { dtype, device }))))));
  } catch (e) {
    const at = rows.filter((r) => r.outputShape.length === 0 && r.depth > 0).pop();
    const where = at ? ` (in ${at.name}: ${at.type})` : '';
    throw new Error(`summary: the forward pass on input ${shapes.map(fmt).join(', ')} failed${where}: ${(e as Error).message}`);
  } finally {
    uninstrument();
  }
  return tabulate(model, rows, shapes, depth, dtype);
}

function tabulate(model: Module, rows: SummaryRow[], shapes: number[][], depth: number, dtype: DType): Summary {
  const params = model.parameters();
  const totalParams = countOf(params);
  const trainableParams = countOf(params.filter((p) => p.requiresGrad));
  const leafOutputs = rows.filter((r) => !r.isContainer && r.ownParams > 0).reduce((n, r) => n + r.outputElements, 0);
  const result: Summary = {
    rows,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    bufferElements: countOf(model.buffers().filter((b) => b.dtype === 'float32' || b.dtype === 'float64')),
    multAdds: rows.reduce((n, r) => n + r.multAdds, 0),
    inputBytes: shapes.reduce((n, s) => n + numel(s), 0) * BYTES[dtype],
    forwardBackwardBytes: 2 * leafOutputs * BYTES[dtype],
    paramBytes: params.reduce((n, p) => n + p.numel() * BYTES[p.dtype], 0),
    depth,
    toString: () => formatSummary(result),
  };
  return result;
}
