/**
 * Builds an ONNX graph while a model's forward is traced: names every tensor that flows, turns parameters and
 * buffers into initializers named by their state-dict keys, other constants into numbered initializers, and
 * tracks which values carry the (dynamic) batch in dim 0.
 */
import { isFloating } from '../../core/dtype.js';
import { Tensor } from '../../core/tensor.js';
import { DataType, type AttrValue, type OnnxNode, type OnnxTensor } from './proto.js';

import { ExportError } from './versions.js';

export { ExportError };

interface PendingInitializer {
  name: string;
  tensor: Tensor | null;
  /** For constants made by the exporter itself (shapes, axes). */
  fixed?: OnnxTensor;
}

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: PendingInitializer[] = [];
  private readonly names = new Map<Tensor, string>();
  private readonly stateNames: Map<Tensor, string>;
  private readonly batched = new Set<string>();
  private readonly used = new Set<string>();
  private counter = 0;
  /** The module path of the op being emitted, for node names and errors. */
  path = '';

  constructor(state: [string, Tensor][], readonly dynamicBatch: boolean) {
    this.stateNames = new Map(state.map(([k, t]) => [t, k]));
  }

  /** Registers a graph input or a node output under `name`. */
  bind(t: Tensor, name: string, batched: boolean): void {
    this.names.set(t, name);
    this.used.add(name);
    if (batched && this.dynamicBatch) this.batched.add(name);
  }

  isBatched(name: string): boolean {
    return this.batched.has(name);
  }

  has(t: Tensor): boolean {
    return this.names.has(t);
  }

  private fresh(base: string): string {
    let name = base;
    while (this.used.has(name)) name = `${base}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** The name of a tensor that an op reads: a traced value, a parameter or buffer, or a constant. */
  value(t: Tensor, op: string): string {
    const known = this.names.get(t);
    if (known) return known;
    const key = this.stateNames.get(t);
    if (key !== undefined) {
      this.names.set(t, key);
      this.used.add(key);
      this.initializers.push({ name: key, tensor: t });
      return key;
    }
    if (t.requiresGrad) {
      const producer = t.gradFn ? `an op recorded as '${t.gradFn.name}'` : 'a tensor that is not a parameter or buffer of the model';
      throw new ExportError(`toOnnx: ${op} in module '${this.path || '(root)'}' reads ${producer}, which the ONNX exporter cannot express (no ONNX mapping for that op)`);
    }
    if (!isFloating(t.dtype) && t.dtype !== 'int32') throw new ExportError(`toOnnx: ${op} in module '${this.path || '(root)'}' reads a ${t.dtype} constant, which the exporter does not write`);
    const name = this.fresh(`const_${this.initializers.length}`);
    this.names.set(t, name);
    this.initializers.push({ name, tensor: t });
    return name;
  }

  /** An int64 constant (shapes, axes, pads). */
  ints(values: readonly number[], scalar = false): string {
    const name = this.fresh(`const_${this.initializers.length}`);
    this.initializers.push({ name, tensor: null, fixed: { name, dims: scalar ? [] : [values.length], dataType: DataType.INT64, values: values.slice() } });
    return name;
  }

  /** A float constant of the given values. */
  floats(values: readonly number[], dims: number[]): string {
    const name = this.fresh(`const_${this.initializers.length}`);
    this.initializers.push({ name, tensor: null, fixed: { name, dims, dataType: DataType.FLOAT, values: Float32Array.from(values) } });
    return name;
  }

  /**
   * Drops nodes whose outputs nothing reads, and then unused initializers: ops check or reshape their
   * arguments before the op itself reports (conv lifting its input to 5-D), and those steps leave dead nodes.
   */
  prune(outputs: readonly string[]): void {
    const live = new Set(outputs);
    const kept: OnnxNode[] = [];
    for (const n of [...this.nodes].reverse()) {
      if (!n.outputs.some((o) => live.has(o))) continue;
      kept.push(n);
      for (const i of n.inputs) live.add(i);
    }
    this.nodes.splice(0, this.nodes.length, ...kept.reverse());
    const inits = this.initializers.filter((p) => live.has(p.name));
    this.initializers.splice(0, this.initializers.length, ...inits);
  }

  /** Appends a node and returns the name of its (first) output. */
  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, batched = false): string {
    const prefix = this.path ? `/${this.path.replaceAll('.', '/')}` : '';
    const out = this.fresh(`${prefix}/${opType}_output`);
    this.nodes.push({ opType, inputs, outputs: [out], name: this.fresh(`${prefix}/${opType}`), domain: '', attrs });
    if (batched && this.dynamicBatch) this.batched.add(out);
    return out;
  }
}

export const ints = (value: readonly number[]): AttrValue => ({ type: 'ints', value: value.slice() });
export const int = (value: number): AttrValue => ({ type: 'int', value });
export const float = (value: number): AttrValue => ({ type: 'float', value });
export const str = (value: string): AttrValue => ({ type: 'string', value });
