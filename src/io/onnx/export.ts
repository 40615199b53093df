/**
 * ck.onnx.toOnnx: traces a model's forward in eval mode (every op reports itself through src/ops/trace.ts)
 * and writes the ops as an ONNX graph with the parameters and buffers as initializers named by their
 * state-dict keys.
 */
import '../../index.js'; // the main entry: bundlers then keep its modules in one shared chunk (src/index.ts says why)
import { enableGrad } from '../../core/autograd.js';
import { Tensor } from '../../core/tensor.js';
import { Module } from '../../nn/module.js';
import { detach } from '../../ops/index.js';
import { withRecorder, type TraceAttrs } from '../../ops/trace.js';
import { EMITTERS } from './export-ops.js';
import { ExportError, GraphBuilder } from './graph-builder.js';
import { IR_VERSION, OPSETS } from './versions.js';
import { DataType, encodeModel, type OnnxTensor, type ValueInfo } from './proto.js';

export interface ToOnnxOptions {
  /** ONNX operator set, 13 to 17. Default 17. */
  opset?: number;
  /** Graph input names (default 'input', or 'input_0'... for several inputs). */
  inputNames?: string[];
  /** Graph output names (default 'output', or 'output_0'...). */
  outputNames?: string[];
  /** Make dim 0 of the inputs and outputs a symbolic 'batch' dim. Default true. */
  dynamicBatch?: boolean;
}

const OPTION_KEYS = ['opset', 'inputNames', 'outputNames', 'dynamicBatch'];

function checkOptions(opts: ToOnnxOptions, inputs: number): Required<ToOnnxOptions> {
  if (opts === null || typeof opts !== 'object') throw new TypeError(`toOnnx: expected an options object, got ${opts === null ? 'null' : typeof opts}`);
  const unknown = Object.keys(opts).filter((k) => !OPTION_KEYS.includes(k));
  if (unknown.length) throw new TypeError(`toOnnx: unknown option(s) ${unknown.join(', ')} (expected ${OPTION_KEYS.join(', ')})`);
  const opset = opts.opset ?? 17;
  if (!OPSETS.includes(opset)) throw new RangeError(`toOnnx: opset must be one of ${OPSETS.join(', ')}, got ${String(opset)}`);
  const dynamicBatch = opts.dynamicBatch ?? true;
  if (typeof dynamicBatch !== 'boolean') throw new TypeError(`toOnnx: dynamicBatch must be a boolean, got ${typeof dynamicBatch}`);
  const names = (v: string[] | undefined, what: string, base: string, n: number | null): string[] | null => {
    if (v === undefined) return null;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '') || new Set(v).size !== v.length) {
      throw new TypeError(`toOnnx: ${what} must be a list of distinct non-empty strings, got ${JSON.stringify(v)}`);
    }
    if (n !== null && v.length !== n) throw new RangeError(`toOnnx: ${what} names ${v.length} ${base}(s), the model takes ${n}`);
    return v;
  };
  return {
    opset, dynamicBatch,
    inputNames: names(opts.inputNames, 'inputNames', 'input', inputs) ?? (inputs === 1 ? ['input'] : Array.from({ length: inputs }, (_, i) => `input_${i}`)),
    outputNames: names(opts.outputNames, 'outputNames', 'output', null) ?? [],
  };
}

/** Wraps every module's forward on the instance for the trace, so errors and node names carry module paths. */
function withModulePaths<T>(model: Module, g: GraphBuilder, fn: () => T): T {
  const wrapped: Module[] = [];
  for (const [path, m] of model.namedModules()) {
    if (Object.hasOwn(m, 'forward')) continue;
    const forward = m.forward;
    m.forward = (...args: unknown[]): unknown => {
      const outer = g.path;
      g.path = path;
      try {
        return forward.apply(m, args);
      } finally {
        g.path = outer;
      }
    };
    wrapped.push(m);
  }
  try {
    return fn();
  } finally {
    for (const m of wrapped) delete (m as { forward?: unknown }).forward;
  }
}

function outputsOf(result: unknown): Tensor[] {
  if (result instanceof Tensor) return [result];
  if (Array.isArray(result) && result.length > 0 && result.every((t) => t instanceof Tensor)) return result;
  throw new ExportError(`toOnnx: the model's forward must return a Tensor or a list of Tensors, got ${result === null ? 'null' : typeof result}`);
}

async function initializerData(name: string, t: Tensor): Promise<OnnxTensor> {
  const data = await t.data();
  if (t.dtype === 'float32') return { name, dims: t.shape.slice(), dataType: DataType.FLOAT, values: Float32Array.from(data as Float32Array) };
  if (t.dtype === 'float64') return { name, dims: t.shape.slice(), dataType: DataType.DOUBLE, values: Float64Array.from(data as Float64Array) };
  if (t.dtype === 'int32') return { name, dims: t.shape.slice(), dataType: DataType.INT32, values: Int32Array.from(data as Int32Array) };
  throw new ExportError(`toOnnx: initializer '${name}' has dtype ${t.dtype}, which the exporter does not write`);
}

const ELEM_TYPE = { float32: DataType.FLOAT, float64: DataType.DOUBLE, int32: DataType.INT32, bool: DataType.BOOL };

/**
 * Exports `model` (run once in eval mode on `exampleInput`) as ONNX bytes: IR version 8, the chosen opset,
 * dim 0 symbolic ('batch') unless `dynamicBatch: false`. The model's train/eval mode is restored afterwards.
 */
export async function toOnnx(model: Module, exampleInput: Tensor | Tensor[], opts: ToOnnxOptions = {}): Promise<Uint8Array> {
  if (!(model instanceof Module)) throw new TypeError(`toOnnx: expected a Module, got ${model === null ? 'null' : typeof model}`);
  const examples = exampleInput instanceof Tensor ? [exampleInput] : exampleInput;
  if (!Array.isArray(examples) || examples.length === 0 || !examples.every((t) => t instanceof Tensor)) {
    throw new TypeError('toOnnx: exampleInput must be a Tensor or a non-empty list of Tensors');
  }
  const o = checkOptions(opts, examples.length);
  const g = new GraphBuilder([...model.namedParameters(), ...model.namedBuffers()], o.dynamicBatch);
  const modes = model.modules().map((m) => m.training);
  model.eval();
  let outputs: Tensor[];
  try {
    // inputs that require grad let the trace tell values computed from them by untraced ops from constants
    const inputs = examples.map((t, i) => {
      const x = detach(t);
      x.requiresGrad = true;
      g.bind(x, o.inputNames[i], true);
      return x;
    });
    outputs = enableGrad(() => withRecorder({
      op(kind: string, ins: readonly (Tensor | null)[], out: Tensor, attrs: TraceAttrs): void {
        const emit = EMITTERS[kind];
        if (!emit) throw new ExportError(`toOnnx: op '${kind}' in module '${g.path || '(root)'}' has no ONNX mapping in convkit's exporter`);
        if (ins.some((t) => t !== null && !t.requiresGrad && !g.has(t)) && ins.every((t) => t === null || (!t.requiresGrad && !g.has(t)))) return; // a constant computation: its result is a constant too
        g.bind(out, emit(g, ins, out, attrs, kind), false);
      },
    }, () => withModulePaths(model, g, () => outputsOf(model.forward(...inputs)))));
  } finally {
    model.modules().forEach((m, i) => (m.training = modes[i]));
  }
  const outputNames = o.outputNames.length ? o.outputNames : outputs.length === 1 ? ['output'] : outputs.map((_, i) => `output_${i}`);
  if (outputNames.length !== outputs.length) throw new RangeError(`toOnnx: outputNames names ${outputNames.length} output(s), the model returns ${outputs.length}`);
  const graphOutputs: ValueInfo[] = outputs.map((t, i) => {
    const name = g.value(t, 'output');
    const batched = g.isBatched(name);
    g.nodes.push({ opType: 'Identity', inputs: [name], outputs: [outputNames[i]], name: `/output_${i}/Identity`, domain: '', attrs: {} });
    return { name: outputNames[i], elemType: ELEM_TYPE[t.dtype], dims: t.shape.map((s, d) => (d === 0 && batched ? 'batch' : s)) };
  });
  g.prune(outputNames);
  const initializers = await Promise.all(g.initializers.map((p) => (p.fixed ? p.fixed : initializerData(p.name, p.tensor!))));
  return encodeModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: o.opset }],
    producerName: 'convkit',
    producerVersion: '0.1.0',
    graph: {
      name: model.constructor.name,
      nodes: g.nodes,
      initializers,
      inputs: examples.map((t, i) => ({ name: o.inputNames[i], elemType: ELEM_TYPE[t.dtype], dims: t.shape.map((s, d) => (d === 0 && o.dynamicBatch ? 'batch' : s)) })),
      outputs: graphOutputs,
    },
  });
}
