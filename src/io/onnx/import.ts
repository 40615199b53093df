/**
 * ck.onnx.fromOnnx: an ONNX graph as a convkit Module. Float initializers become parameters (or, for
 * BatchNormalization's statistics, buffers) named by the initializer names, so the state dict reads like the
 * exporter's; forward runs the nodes with convkit ops, so the module trains and runs on every backend.
 */
import '../../index.js'; // the main entry: bundlers then keep its modules in one shared chunk (src/index.ts says why)
import { fmt } from '../../core/shape.js';
import { Tensor } from '../../core/tensor.js';
import { Module } from '../../nn/module.js';
import { Parameter } from '../../nn/parameter.js';
import { tensor } from '../../ops/index.js';
import { constantValue, OPS, type RunContext } from './import-ops.js';
import { dataTypeName, decodeModel, type ExternalDataReader, type OnnxModel, type OnnxNode, type OnnxTensor } from './proto.js';
import { Static, type Value } from './values.js';

export interface FromOnnxOptions {
  /** Run the graph only up to these values (a backbone's features, to put a new head on). Default: the graph's outputs. */
  outputs?: string[];
  /** Supplies tensors stored outside the model file (ONNX external data), by location. */
  externalData?: ExternalDataReader;
}

const BN_STATS = new Set([3, 4]);

/** A plain holder for the parameters under one dotted prefix ('layer1.0.conv1'). */
class ParameterGroup extends Module {
  forward(): never {
    throw new Error('fromOnnx: a parameter group holds weights of an imported graph; call the imported module instead');
  }
}

/** The initializers BatchNormalization reads as running statistics: buffers, not parameters. */
function statisticNames(nodes: readonly OnnxNode[]): Set<string> {
  const out = new Set<string>();
  for (const n of nodes) if (n.opType === 'BatchNormalization') n.inputs.forEach((name, i) => BN_STATS.has(i) && out.add(name));
  return out;
}

/** The nodes needed for `outputs`, in graph order. */
function neededNodes(nodes: readonly OnnxNode[], outputs: readonly string[]): OnnxNode[] {
  const producer = new Map<string, OnnxNode>();
  for (const n of nodes) for (const o of n.outputs) if (o) producer.set(o, n);
  const keep = new Set<OnnxNode>();
  const stack = [...outputs];
  while (stack.length) {
    const n = producer.get(stack.pop()!);
    if (!n || keep.has(n)) continue;
    keep.add(n);
    stack.push(...n.inputs.filter(Boolean));
  }
  return nodes.filter((n) => keep.has(n));
}

export class OnnxModule extends Module {
  /** Graph input names (initializers excluded), in the order forward takes them. */
  readonly inputNames: string[];
  /** Each input's dims as the graph declares them (a string is a symbolic dim such as 'batch'). */
  readonly inputDims: (number | string)[][];
  readonly outputNames: string[];
  /** The ONNX operator set the graph was written for. */
  readonly opset: number;
  private readonly _nodes: OnnxNode[];
  private readonly _initial = new Map<string, () => Value>();
  private readonly _constants = new Map<Tensor, number[]>();

  constructor(model: OnnxModel, outputs: string[] | undefined) {
    super();
    const g = model.graph;
    this.opset = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
    const initNames = new Set(g.initializers.map((t) => t.name));
    const inputs = g.inputs.filter((v) => !initNames.has(v.name));
    this.inputNames = inputs.map((v) => v.name);
    this.inputDims = inputs.map((v) => v.dims);
    this.outputNames = outputs ?? g.outputs.map((v) => v.name);
    this._nodes = neededNodes(g.nodes, this.outputNames);
    this.checkGraph(g.initializers);
    const stats = statisticNames(this._nodes);
    for (const t of g.initializers) this.adopt(t, stats.has(t.name));
  }

  /** Refuses unknown operators and outputs before anything runs, listing them all. */
  private checkGraph(initializers: readonly OnnxTensor[]): void {
    const unsupported = this._nodes.filter((n) => !(n.domain === '' || n.domain === 'ai.onnx') || !Object.hasOwn(OPS, n.opType));
    if (unsupported.length) {
      const list = [...new Set(unsupported.map((n) => `${n.domain ? `${n.domain}.` : ''}${n.opType}`))].join(', ');
      throw new Error(`fromOnnx: unsupported operator(s) ${list} (first at node '${unsupported[0].name || unsupported[0].outputs[0]}'); convkit imports ${Object.keys(OPS).sort().join(', ')}`);
    }
    const known = new Set([...this.inputNames, ...initializers.map((t) => t.name), ...this._nodes.flatMap((n) => n.outputs)]);
    const missing = this.outputNames.filter((o) => !known.has(o));
    if (missing.length) throw new Error(`fromOnnx: output(s) ${missing.join(', ')} are not values of the graph`);
  }

  /** Registers an initializer: float data as a parameter or statistic buffer under its dotted name, the rest as constants. */
  private adopt(t: OnnxTensor, statistic: boolean): void {
    const isFloat = t.dataType === 1 || t.dataType === 11;
    const values = t.values;
    if (!isFloat || t.dims.length === 0) {
      const ctx = this.context();
      const value = constantValue(values, t.dims, t.dataType, ctx);
      this._initial.set(t.name, () => value);
      return;
    }
    const data = tensor(values instanceof Float32Array || values instanceof Float64Array ? values : Array.from(values), { shape: t.dims, dtype: t.dataType === 11 ? 'float64' : 'float32' });
    const [holder, leaf] = this.holderFor(t.name);
    if (statistic) {
      holder.registerBuffer(leaf, data);
      this._initial.set(t.name, () => holder.getBuffer(leaf)!);
    } else {
      const p = new Parameter(data);
      (holder as unknown as Record<string, Parameter>)[leaf] = p;
      this._initial.set(t.name, () => p);
    }
  }

  /** The module under which a dotted initializer name lives, creating parameter groups on the way. */
  private holderFor(name: string): [Module, string] {
    const parts = name.split('.');
    if (parts.some((p) => p === '')) return [this, name.replaceAll('.', '_')];
    let m: Module = this;
    for (const p of parts.slice(0, -1)) {
      const child = (m as unknown as { _modules: Map<string, Module | null> })._modules.get(p);
      if (child) m = child;
      else {
        if (p in m) return [this, name.replaceAll('.', '_')];
        const group = new ParameterGroup();
        m.registerModule(p, group);
        m = group;
      }
    }
    const leaf = parts[parts.length - 1];
    if (leaf in m) throw new Error(`fromOnnx: initializer '${name}' clashes with a name already in use on the module`);
    return [m, leaf];
  }

  private context(): RunContext {
    return { training: this.training, opset: this.opset, constants: this._constants };
  }

  /** The graph's nodes that forward runs (for inspection: op types, value names to cut a backbone at). */
  get nodes(): readonly OnnxNode[] {
    return this._nodes;
  }

  forward(...inputs: Tensor[]): Tensor | Tensor[] {
    if (inputs.length !== this.inputNames.length) {
      throw new RangeError(`OnnxModule: the graph takes ${this.inputNames.length} input(s) (${this.inputNames.join(', ')}), got ${inputs.length}`);
    }
    const env = new Map<string, Value>();
    for (const [name, get] of this._initial) env.set(name, get());
    inputs.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new TypeError(`OnnxModule: input '${this.inputNames[i]}' must be a Tensor, got ${x === null ? 'null' : typeof x}`);
      env.set(this.inputNames[i], x);
    });
    const ctx = this.context();
    for (const node of this._nodes) {
      const args = node.inputs.map((n) => {
        if (n === '') return undefined;
        const v = env.get(n);
        if (v === undefined) throw new Error(`fromOnnx: ${node.opType} node '${node.name}' reads '${n}', which no earlier node produced (the graph must be topologically sorted)`);
        return v;
      });
      env.set(node.outputs[0], OPS[node.opType](node, args, ctx));
    }
    const outs = this.outputNames.map((n) => {
      const v = env.get(n)!;
      if (v instanceof Static) return tensor(v.values, { shape: v.dims, dtype: 'float32' });
      return v;
    });
    return outs.length === 1 ? outs[0] : outs;
  }

  override extraRepr(): string {
    const ops = new Map<string, number>();
    for (const n of this._nodes) ops.set(n.opType, (ops.get(n.opType) ?? 0) + 1);
    return `inputs=${fmt(this.inputNames as never)}, outputs=${fmt(this.outputNames as never)}, opset=${this.opset}, nodes=${this._nodes.length} (${[...ops].map(([k, v]) => `${k}×${v}`).join(', ')})`;
  }
}

/** ck.onnx.fromOnnx once its arguments are checked (lazy-import.ts checks them before this chunk loads). */
export function importModel(bytes: Uint8Array, opts: FromOnnxOptions): OnnxModule {
  const model = decodeModel(bytes, opts.externalData);
  for (const t of model.graph.inputs) {
    if (t.elemType !== 0 && t.elemType !== 1 && t.elemType !== 11 && !model.graph.initializers.some((i) => i.name === t.name)) {
      throw new TypeError(`fromOnnx: graph input '${t.name}' is ${dataTypeName(t.elemType)}; convkit imports float inputs`);
    }
  }
  return new OnnxModule(model, opts.outputs);
}
