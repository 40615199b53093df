/**
 * Op tracing for exporters (ONNX): while a recorder is active, each traced op reports its inputs, output
 * and normalised attributes once, at the outermost level (an op built from other traced ops reports
 * itself, not its parts). With no recorder active the cost is one null check per op.
 */
import type { Tensor } from '../core/tensor.js';

export type TraceAttrs = Record<string, unknown>;

export interface TraceRecorder {
  op(kind: string, inputs: readonly (Tensor | null)[], output: Tensor, attrs: TraceAttrs): void;
}

let recorder: TraceRecorder | null = null;
let depth = 0;

/** Runs `run` and reports it to the active recorder as one op of kind `kind`. */
export function traced<T extends Tensor>(kind: string, inputs: readonly (Tensor | null)[], attrs: TraceAttrs, run: () => T): T {
  if (!recorder) return run();
  depth++;
  let out: T;
  try {
    out = run();
  } finally {
    depth--;
  }
  if (depth === 0 && out !== inputs[0]) recorder.op(kind, inputs, out, attrs);
  return out;
}

/** Whether an exporter is recording: fusions that would hide an op from it stand aside. */
export function isTracing(): boolean {
  return recorder !== null;
}

/** Runs `fn` with `r` receiving every outermost traced op. Not reentrant. */
export function withRecorder<T>(r: TraceRecorder, fn: () => T): T {
  if (recorder) throw new Error('trace: a trace is already running');
  recorder = r;
  depth = 0;
  try {
    return fn();
  } finally {
    recorder = null;
  }
}
