/**
 * How each traced convkit op becomes ONNX nodes (opsets 13-17 share these forms). Every emitter gets the
 * op's inputs (as tensors), its output and its normalised attributes, and returns the name of the value
 * holding the output and whether dim 0 of it is the batch.
 */
import type { Tensor } from '../../core/tensor.js';
import type { TraceAttrs } from '../../ops/trace.js';
import { ExportError, float, GraphBuilder, int, ints, str } from './graph-builder.js';

type Emitter = (g: GraphBuilder, inputs: readonly (Tensor | null)[], out: Tensor, attrs: TraceAttrs, kind: string) => string;

const BINARY: Record<string, string> = { add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div', pow: 'Pow', maximum: 'Max', minimum: 'Min' };
const UNARY: Record<string, string> = {
  relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', exp: 'Exp', log: 'Log', sqrt: 'Sqrt', neg: 'Neg', abs: 'Abs',
  reciprocal: 'Reciprocal', floor: 'Floor', ceil: 'Ceil', sin: 'Sin', cos: 'Cos', sign: 'Sign', identity: 'Identity',
};

const nums = (v: unknown): number[] => v as number[];
const first = (g: GraphBuilder, inputs: readonly (Tensor | null)[], kind: string): string => g.value(inputs[0]!, kind);
const batchedIn = (g: GraphBuilder, name: string): boolean => g.isBatched(name);

function binary(g: GraphBuilder, inputs: readonly (Tensor | null)[], out: Tensor, _attrs: TraceAttrs, kind: string): string {
  const [a, b] = inputs as Tensor[];
  const na = g.value(a, kind);
  const nb = g.value(b, kind);
  const batched = (batchedIn(g, na) && a.ndim === out.ndim) || (batchedIn(g, nb) && b.ndim === out.ndim);
  return g.node(BINARY[kind], [na, nb], {}, batched);
}

function unary(g: GraphBuilder, inputs: readonly (Tensor | null)[], _out: Tensor, _attrs: TraceAttrs, kind: string): string {
  const x = first(g, inputs, kind);
  if (kind === 'square') return g.node('Mul', [x, x], {}, batchedIn(g, x));
  if (kind === 'rsqrt') return g.node('Reciprocal', [g.node('Sqrt', [x], {}, batchedIn(g, x))], {}, batchedIn(g, x));
  return g.node(UNARY[kind], [x], {}, batchedIn(g, x));
}

/** A target shape for Reshape/Expand: dim 0 follows the batch (0 = copy it) when it is the batch. */
function shapeConst(g: GraphBuilder, x: string, inShape: readonly number[], shape: readonly number[], copyDim: 0 | 1): [string, boolean] {
  const keepBatch = batchedIn(g, x) && shape.length > 0 && shape[0] === inShape[0];
  return [g.ints(keepBatch ? [copyDim, ...shape.slice(1)] : shape), keepBatch];
}

function reshape(g: GraphBuilder, inputs: readonly (Tensor | null)[], _out: Tensor, attrs: TraceAttrs): string {
  const t = inputs[0]!;
  const x = g.value(t, 'reshape');
  const shape = nums(attrs.shape);
  // with a dynamic batch the other dims are fixed, so -1 lets the batch vary even when dim 0 is not copied
  const [name, keep] = shapeConst(g, x, t.shape, shape, 0);
  return g.node('Reshape', [x, name], {}, keep);
}

function flatten(g: GraphBuilder, inputs: readonly (Tensor | null)[], out: Tensor, attrs: TraceAttrs): string {
  const t = inputs[0]!;
  const x = g.value(t, 'flatten');
  if (attrs.start === 1 && attrs.end === t.ndim - 1) return g.node('Flatten', [x], { axis: int(1) }, batchedIn(g, x));
  return reshape(g, inputs, out, { shape: out.shape });
}

function conv(g: GraphBuilder, inputs: readonly (Tensor | null)[], _out: Tensor, attrs: TraceAttrs): string {
  const [x, w, b] = inputs;
  if (x!.ndim !== w!.ndim) throw new ExportError(`toOnnx: conv in module '${g.path}' has an unbatched input ${JSON.stringify(x!.shape)}; ONNX Conv needs [N, C, ...]`);
  const pads = attrs.pads as [number, number][];
  const names = [g.value(x!, 'conv'), g.value(w!, 'conv'), ...(b ? [g.value(b, 'conv')] : [])];
  return g.node('Conv', names, {
    kernel_shape: ints(w!.shape.slice(2)), strides: ints(nums(attrs.stride)), dilations: ints(nums(attrs.dilation)),
    pads: ints([...pads.map((p) => p[0]), ...pads.map((p) => p[1])]), group: int(attrs.groups as number),
  }, batchedIn(g, names[0]));
}

function convTranspose(g: GraphBuilder, inputs: readonly (Tensor | null)[], _out: Tensor, attrs: TraceAttrs): string {
  const [x, w, b] = inputs;
  if (x!.ndim !== w!.ndim) throw new ExportError(`toOnnx: convTranspose in module '${g.path}' has an unbatched input; ONNX ConvTranspose needs [N, C, ...]`);
  const padding = nums(attrs.padding);
  const names = [g.value(x!, 'convTranspose'), g.value(w!, 'convTranspose'), ...(b ? [g.value(b, 'convTranspose')] : [])];
  return g.node('ConvTranspose', names, {
    kernel_shape: ints(w!.shape.slice(2)), strides: ints(nums(attrs.stride)), dilations: ints(nums(attrs.dilation)),
    pads: ints([...padding, ...padding]), output_padding: ints(nums(attrs.outputPadding)), group: int(attrs.groups as number),
  }, batchedIn(g, names[0]));
}

function poolInput(g: GraphBuilder, x: Tensor, kind: string, spatial: number): string {
  if (x.ndim !== spatial + 2) throw new ExportError(`toOnnx: ${kind} in module '${g.path}' has an unbatched input ${JSON.stringify(x.shape)}; ONNX pooling needs [N, C, ...]`);
  return g.value(x, kind);
}

/**
 * Pads and ceil_mode for ONNX pooling. PyTorch's ceil mode drops a last window that would start in the right
 * padding; onnxruntime keeps it. Where they differ, the end padding that gives PyTorch's size with floor
 * rounding is written instead (padding that max pooling and count_include_pad=0 ignore).
 */
function poolPads(g: GraphBuilder, kind: string, inShape: readonly number[], outShape: readonly number[], attrs: TraceAttrs, dilation: number[], countsPad: boolean): [number[], number] {
  const kernel = nums(attrs.kernel);
  const stride = nums(attrs.stride);
  const padding = nums(attrs.padding);
  if (!attrs.ceilMode) return [[...padding, ...padding], 0];
  const spatial = inShape.slice(2);
  const onnxSize = spatial.map((n, i) => Math.ceil((n + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i]) + 1);
  if (onnxSize.every((s, i) => s === outShape[i + 2])) return [[...padding, ...padding], 1];
  const ends = spatial.map((n, i) => Math.max(padding[i], (outShape[i + 2] - 1) * stride[i] + dilation[i] * (kernel[i] - 1) + 1 - n - padding[i]));
  if (countsPad && ends.some((e, i) => e > padding[i])) {
    throw new ExportError(`toOnnx: ${kind} in module '${g.path}' uses ceil mode with count_include_pad on input ${JSON.stringify(inShape)}, where PyTorch's last window differs from ONNX's; use countIncludePad: false or another input size`);
  }
  return [[...padding, ...ends], 0];
}

function maxPool(g: GraphBuilder, inputs: readonly (Tensor | null)[], out: Tensor, attrs: TraceAttrs): string {
  const kernel = nums(attrs.kernel);
  const x = poolInput(g, inputs[0]!, 'maxPool', kernel.length);
  const [pads, ceil] = poolPads(g, 'maxPool', inputs[0]!.shape, out.shape, attrs, nums(attrs.dilation), false);
  return g.node('MaxPool', [x], {
    kernel_shape: ints(kernel), strides: ints(nums(attrs.stride)), pads: ints(pads), dilations: ints(nums(attrs.dilation)), ceil_mode: int(ceil),
  }, batchedIn(g, x));
}

function avgPool(g: GraphBuilder, inputs: readonly (Tensor | null)[], out: Tensor, attrs: TraceAttrs): string {
  const kernel = nums(attrs.kernel);
  const x = poolInput(g, inputs[0]!, 'avgPool', kernel.length);
  if (attrs.divisorOverride != null) throw new ExportError(`toOnnx: avgPool in module '${g.path}' uses divisorOverride, which ONNX AveragePool cannot express`);
  const [pads, ceil] = poolPads(g, 'avgPool', inputs[0]!.shape, out.shape, attrs, kernel.map(() => 1), attrs.countIncludePad as boolean);
  return g.node('AveragePool', [x], {
    kernel_shape: ints(kernel), strides: ints(nums(attrs.stride)), pads: ints(pads), ceil_mode: int(ceil), count_include_pad: int(attrs.countIncludePad ? 1 : 0),
  }, batchedIn(g, x));
}

/**
 * Adaptive pooling has no ONNX op: output 1 is the global pool, an output that divides the input is a
 * plain pool with kernel = stride = in/out, and an input of 1 is broadcast (torchvision's 7×7 head on
 * small images). Other sizes have uneven windows, which ONNX pooling cannot express.
 */
function adaptivePool(g: GraphBuilder, inputs: readonly (Tensor | null)[], out: Tensor, attrs: TraceAttrs, kind: string): string {
  const t = inputs[0]!;
  const size = nums(attrs.outputSize);
  let x = poolInput(g, t, kind, size.length);
  const spatial = t.shape.slice(2);
  const isMax = kind === 'adaptiveMaxPool';
  const batched = batchedIn(g, x);
  if (size.every((s) => s === 1)) return g.node(isMax ? 'GlobalMaxPool' : 'GlobalAveragePool', [x], {}, batched);
  const bad = spatial.findIndex((n, i) => n % size[i] !== 0 && n !== 1);
  if (bad >= 0) throw new ExportError(`toOnnx: ${kind} in module '${g.path}' pools ${JSON.stringify(spatial)} to ${JSON.stringify(size)}: uneven windows have no ONNX form (use an input size whose feature map divides ${size[bad]})`);
  const kernel = spatial.map((n, i) => (n % size[i] === 0 ? n / size[i] : 1));
  if (kernel.some((k) => k > 1)) x = g.node(isMax ? 'MaxPool' : 'AveragePool', [x], { kernel_shape: ints(kernel), strides: ints(kernel) }, batched);
  if (spatial.some((n, i) => n === 1 && size[i] > 1)) x = g.node('Expand', [x, g.ints([1, 1, ...out.shape.slice(2)])], {}, batched);
  return x;
}

function pad(g: GraphBuilder, inputs: readonly (Tensor | null)[], out: Tensor, attrs: TraceAttrs): string {
  const t = inputs[0]!;
  let x = g.value(t, 'pad');
  const pairs = attrs.pairs as [number, number, number][];
  const mode = attrs.mode as string;
  const batched = batchedIn(g, x);
  if (mode === 'circular') {
    // wrap-around padding (ONNX's 'wrap' needs opset 19): the ends copied across with Slice and Concat
    for (const [dim, before, after] of pairs) {
      const n = out.shape[dim] - before - after;
      const parts = [
        ...(before > 0 ? [g.node('Slice', [x, g.ints([n - before]), g.ints([n]), g.ints([dim])], {}, batched)] : []),
        x,
        ...(after > 0 ? [g.node('Slice', [x, g.ints([0]), g.ints([after]), g.ints([dim])], {}, batched)] : []),
      ];
      x = g.node('Concat', parts, { axis: int(dim) }, batched);
    }
    return x;
  }
  const begins = new Array<number>(t.ndim).fill(0);
  const ends = new Array<number>(t.ndim).fill(0);
  for (const [dim, before, after] of pairs) [begins[dim], ends[dim]] = [before, after];
  const onnxMode = { constant: 'constant', reflect: 'reflect', replicate: 'edge' }[mode]!;
  const operands = [x, g.ints([...begins, ...ends])];
  if (mode === 'constant') operands.push(g.floats([attrs.value as number], []));
  return g.node('Pad', operands, { mode: str(onnxMode) }, batched);
}

function batchNorm(g: GraphBuilder, inputs: readonly (Tensor | null)[], _out: Tensor, attrs: TraceAttrs): string {
  const [t, mean, variance, weight, bias, residual] = inputs;
  if (attrs.training || !mean || !variance) {
    throw new ExportError(`toOnnx: batchNorm in module '${g.path}' normalises by batch statistics (no running estimates); ONNX inference graphs need running_mean and running_var`);
  }
  const c = t!.shape[1];
  const x = g.value(t!, 'batchNorm');
  const batched = batchedIn(g, x);
  const scale = weight ? g.value(weight, 'batchNorm') : g.floats(new Array(c).fill(1), [c]);
  const shift = bias ? g.value(bias, 'batchNorm') : g.floats(new Array(c).fill(0), [c]);
  let y = g.node('BatchNormalization', [x, scale, shift, g.value(mean, 'batchNorm'), g.value(variance, 'batchNorm')], {
    epsilon: float(attrs.eps as number), momentum: float(1 - (attrs.momentum as number)),
  }, batched);
  if (residual) y = g.node('Add', [y, g.value(residual, 'batchNorm')], {}, batched);
  return attrs.relu ? g.node('Relu', [y], {}, batched) : y;
}

function linear(g: GraphBuilder, inputs: readonly (Tensor | null)[]): string {
  const [t, w, b] = inputs;
  const x = g.value(t!, 'linear');
  const batched = batchedIn(g, x);
  if (t!.ndim === 2 && (!b || b.ndim === 1)) {
    return g.node('Gemm', [x, g.value(w!, 'linear'), ...(b ? [g.value(b, 'linear')] : [])], { transB: int(1) }, batched);
  }
  const y = g.node('MatMul', [x, g.node('Transpose', [g.value(w!, 'linear')], { perm: ints([1, 0]) })], {}, batched);
  return b ? g.node('Add', [y, g.value(b, 'linear')], {}, batched) : y;
}

const axisOp = (opType: string, attr: string): Emitter => (g, inputs, _out, attrs, kind) => {
  const x = first(g, inputs, kind);
  return g.node(opType, [x], { [attr]: int(attrs.dim as number) }, batchedIn(g, x));
};

export const EMITTERS: Record<string, Emitter> = {
  ...Object.fromEntries(Object.keys(BINARY).map((k) => [k, binary])),
  ...Object.fromEntries([...Object.keys(UNARY), 'square', 'rsqrt'].map((k) => [k, unary])),
  reshape,
  flatten,
  expand: (g, inputs, out) => {
    const t = inputs[0]!;
    const x = g.value(t, 'expand');
    const target = out.shape.map((s, i) => (i === 0 && batchedIn(g, x) && t.ndim === out.ndim ? 1 : s));
    return g.node('Expand', [x, g.ints(target)], {}, batchedIn(g, x) && t.ndim === out.ndim);
  },
  permute: (g, inputs, _out, attrs) => {
    const x = first(g, inputs, 'permute');
    const dims = nums(attrs.dims);
    return g.node('Transpose', [x], { perm: ints(dims) }, batchedIn(g, x) && dims[0] === 0);
  },
  squeeze: (g, inputs, _out, attrs) => {
    const x = first(g, inputs, 'squeeze');
    const dims = nums(attrs.dims);
    return g.node('Squeeze', [x, g.ints(dims)], {}, batchedIn(g, x) && !dims.includes(0));
  },
  unsqueeze: (g, inputs, _out, attrs) => {
    const x = first(g, inputs, 'unsqueeze');
    return g.node('Unsqueeze', [x, g.ints([attrs.dim as number])], {}, batchedIn(g, x) && attrs.dim !== 0);
  },
  slice: (g, inputs, _out, attrs) => {
    const x = first(g, inputs, 'slice');
    const dim = attrs.dim as number;
    return g.node('Slice', [x, g.ints([attrs.start as number]), g.ints([attrs.end as number]), g.ints([dim]), g.ints([attrs.step as number])], {}, batchedIn(g, x) && dim !== 0);
  },
  select: (g, inputs, _out, attrs) => {
    const x = first(g, inputs, 'select');
    return g.node('Gather', [x, g.ints([attrs.index as number], true)], { axis: int(attrs.dim as number) }, batchedIn(g, x) && attrs.dim !== 0);
  },
  cat: (g, inputs, _out, attrs) => {
    const names = inputs.map((t) => g.value(t!, 'cat'));
    return g.node('Concat', names, { axis: int(attrs.dim as number) }, attrs.dim !== 0 && names.some((n) => batchedIn(g, n)));
  },
  matmul: (g, inputs) => {
    const [a, b] = inputs as Tensor[];
    const na = g.value(a, 'matmul');
    return g.node('MatMul', [na, g.value(b, 'matmul')], {}, batchedIn(g, na) && a.ndim >= 2);
  },
  linear,
  conv,
  convTranspose,
  maxPool,
  avgPool,
  adaptiveAvgPool: adaptivePool,
  adaptiveMaxPool: adaptivePool,
  pad,
  batchNorm,
  lrn: (g, inputs, _out, attrs) => {
    const x = first(g, inputs, 'lrn');
    const size = attrs.size as number;
    // PyTorch sums over size/2 channels before and (size-1)/2 after; ONNX the other way round for even sizes
    if (size % 2 === 0) throw new ExportError(`toOnnx: localResponseNorm in module '${g.path}' has an even size ${size}; ONNX LRN centres even windows differently from PyTorch`);
    return g.node('LRN', [x], { size: int(size), alpha: float(attrs.alpha as number), beta: float(attrs.beta as number), bias: float(attrs.k as number) }, batchedIn(g, x));
  },
  clamp: (g, inputs) => {
    const [t, lo, hi] = inputs;
    const x = g.value(t!, 'clamp');
    return g.node('Clip', [x, lo ? g.value(lo, 'clamp') : '', hi ? g.value(hi, 'clamp') : ''], {}, batchedIn(g, x));
  },
  hardtanh: (g, inputs, _out, attrs) => {
    const x = first(g, inputs, 'hardtanh');
    return g.node('Clip', [x, g.floats([attrs.min as number], []), g.floats([attrs.max as number], [])], {}, batchedIn(g, x));
  },
  leakyRelu: (g, inputs, _out, attrs) => {
    const x = first(g, inputs, 'leakyRelu');
    return g.node('LeakyRelu', [x], { alpha: float(attrs.negativeSlope as number) }, batchedIn(g, x));
  },
  elu: (g, inputs, _out, attrs) => {
    const x = first(g, inputs, 'elu');
    return g.node('Elu', [x], { alpha: float(attrs.alpha as number) }, batchedIn(g, x));
  },
  softmax: axisOp('Softmax', 'axis'),
  logSoftmax: axisOp('LogSoftmax', 'axis'),
};

