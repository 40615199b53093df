/**
 * The ONNX operators fromOnnx runs, each as convkit ops (so the imported graph trains, and exports again).
 * Attributes default as in the ONNX operator specification.
 */
import { fmt } from '../../core/shape.js';
import { Tensor } from '../../core/tensor.js';
import { batchNorm } from '../../nn/batchnorm.js';
import { dropout } from '../../nn/dropout.js';
import { leakyRelu, elu, logSoftmax, softmax } from '../../nn/activation.js';
import {
  abs, add, cat, clamp, div, erf, exp, flatten, indexSelect, linear, log, matmul, maximum, minimum, mul, neg, permute,
  pow, reciprocal, relu, reshape, select, sigmoid, slice, sqrt, squeeze, sub, t, tanh, tensor, to, unsqueeze, floor, ceil,
} from '../../ops/index.js';
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d, adaptiveMaxPool1d, adaptiveMaxPool2d, avgPool1d, avgPool2d, avgPool3d,
  conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, localResponseNorm, maxPool1d, maxPool2d, maxPool3d, pad,
} from '../../ops/conv/index.js';
import type { AttrValue, OnnxNode } from './proto.js';
import { asTensor, isStatic, numbersOf, Static, type Value } from './values.js';

export interface RunContext {
  training: boolean;
  opset: number;
  /** Values of float constants known at import time (scalars for Clip, Pad, Dropout). */
  constants: Map<Tensor, number[]>;
}

type OpFn = (node: OnnxNode, inputs: (Value | undefined)[], ctx: RunContext) => Value;

function attr<T>(node: OnnxNode, name: string, fallback: T): T {
  const a: AttrValue | undefined = node.attrs[name];
  return a === undefined ? fallback : (a.value as T);
}

const where = (node: OnnxNode): string => `${node.opType} node '${node.name || node.outputs[0]}'`;

function tensorIn(node: OnnxNode, inputs: (Value | undefined)[], i: number): Tensor {
  const v = inputs[i];
  if (v === undefined) throw new Error(`fromOnnx: ${where(node)} is missing input ${i}`);
  return asTensor(v, where(node));
}

const BY_RANK = <F>(fns: F[], x: Tensor, node: OnnxNode): F => {
  const f = fns[x.ndim - 3];
  if (!f) throw new RangeError(`fromOnnx: ${where(node)} expects a 3-D to 5-D input [N, C, ...], got ${fmt(x.shape)}`);
  return f;
};

/** ONNX pads [b1..bn, e1..en] over the spatial dims, with auto_pad resolved against the input size. */
function spatialPads(node: OnnxNode, x: Tensor, kernel: number[], strides: number[], dilations: number[]): [number[], number[]] {
  const n = kernel.length;
  const autoPad = attr(node, 'auto_pad', 'NOTSET');
  if (autoPad === 'NOTSET') {
    const pads = attr<number[]>(node, 'pads', new Array(2 * n).fill(0));
    return [pads.slice(0, n), pads.slice(n)];
  }
  if (autoPad === 'VALID') return [new Array(n).fill(0), new Array(n).fill(0)];
  const spatial = x.shape.slice(2);
  const total = spatial.map((s, i) => Math.max((Math.ceil(s / strides[i]) - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - s, 0));
  const small = total.map((tp) => Math.floor(tp / 2));
  return autoPad === 'SAME_UPPER' ? [small, total.map((tp, i) => tp - small[i])] : [total.map((tp, i) => tp - small[i]), small];
}

/** torch's pad list (last dim first) for spatial pads of an [N, C, ...] input. */
const torchPad = (begin: number[], end: number[]): number[] => begin.flatMap((_, i) => [begin[begin.length - 1 - i], end[end.length - 1 - i]]);

/** Symmetric pads go to the op; asymmetric ones are applied first with F.pad. */
function withPads(x: Tensor, begin: number[], end: number[], fill: number): [Tensor, number[]] {
  if (begin.every((b, i) => b === end[i])) return [x, begin];
  return [pad(x, torchPad(begin, end), { value: fill }), begin.map(() => 0)];
}

function convOp(node: OnnxNode, inputs: (Value | undefined)[]): Value {
  const x = tensorIn(node, inputs, 0);
  const w = tensorIn(node, inputs, 1);
  const b = inputs[2] === undefined ? null : tensorIn(node, inputs, 2);
  const kernel = attr<number[]>(node, 'kernel_shape', w.shape.slice(2));
  const strides = attr<number[]>(node, 'strides', kernel.map(() => 1));
  const dilations = attr<number[]>(node, 'dilations', kernel.map(() => 1));
  const groups = attr(node, 'group', 1);
  if (node.opType === 'ConvTranspose') {
    if (node.attrs.output_shape) throw new Error(`fromOnnx: ${where(node)} sets output_shape, which convkit does not import (use pads and output_padding)`);
    const pads = attr<number[]>(node, 'pads', new Array(2 * kernel.length).fill(0));
    const begin = pads.slice(0, kernel.length);
    if (begin.some((p, i) => p !== pads[kernel.length + i])) throw new Error(`fromOnnx: ${where(node)} has asymmetric pads ${fmt(pads)}`);
    if (attr(node, 'auto_pad', 'NOTSET') !== 'NOTSET') throw new Error(`fromOnnx: ${where(node)} uses auto_pad, which convkit does not import for ConvTranspose`);
    const outputPadding = attr<number[]>(node, 'output_padding', kernel.map(() => 0));
    return BY_RANK([convTranspose1d, convTranspose2d, convTranspose3d], x, node)(x, w, b, { stride: strides, padding: begin, dilation: dilations, groups, outputPadding });
  }
  const [begin, end] = spatialPads(node, x, kernel, strides, dilations);
  const [xp, padding] = withPads(x, begin, end, 0);
  return BY_RANK([conv1d, conv2d, conv3d], x, node)(xp, w, b, { stride: strides, padding, dilation: dilations, groups });
}

function poolOp(node: OnnxNode, inputs: (Value | undefined)[]): Value {
  const x = tensorIn(node, inputs, 0);
  if (node.outputs.length > 1 && node.outputs[1]) throw new Error(`fromOnnx: ${where(node)} asks for the Indices output, which convkit does not import`);
  const kernel = attr<number[]>(node, 'kernel_shape', []);
  const strides = attr<number[]>(node, 'strides', kernel.map(() => 1));
  const dilations = attr<number[]>(node, 'dilations', kernel.map(() => 1));
  const ceilMode = attr<number>(node, 'ceil_mode', 0) === 1;
  const [begin, end] = spatialPads(node, x, kernel, strides, dilations);
  if (node.opType === 'MaxPool') {
    const [xp, padding] = withPads(x, begin, end, -Infinity);
    return BY_RANK([maxPool1d, maxPool2d, maxPool3d], x, node)(xp, kernel, { stride: strides, padding, dilation: dilations, ceilMode }) as Tensor;
  }
  if (dilations.some((d) => d !== 1)) throw new Error(`fromOnnx: ${where(node)} has dilations ${fmt(dilations)}; average pooling has none in convkit`);
  const countIncludePad = attr<number>(node, 'count_include_pad', 0) === 1;
  if (begin.some((p, i) => p !== end[i]) && !countIncludePad) throw new Error(`fromOnnx: ${where(node)} has asymmetric pads ${fmt([...begin, ...end])} without count_include_pad`);
  const [xp, padding] = withPads(x, begin, end, 0);
  return BY_RANK([avgPool1d, avgPool2d, avgPool3d], x, node)(xp, kernel, { stride: strides, padding, ceilMode, countIncludePad });
}

function gemm(node: OnnxNode, inputs: (Value | undefined)[]): Value {
  const a = tensorIn(node, inputs, 0);
  const b = tensorIn(node, inputs, 1);
  const c = inputs[2] === undefined ? null : tensorIn(node, inputs, 2);
  const [alpha, beta, transA, transB] = [attr(node, 'alpha', 1), attr(node, 'beta', 1), attr(node, 'transA', 0), attr(node, 'transB', 0)];
  if (!transA && transB && alpha === 1 && beta === 1 && (!c || c.ndim === 1)) return linear(a, b, c);
  let y = matmul(transA ? t(a) : a, transB ? t(b) : b);
  if (alpha !== 1) y = mul(y, alpha);
  return c ? add(y, beta === 1 ? c : mul(c, beta)) : y;
}

/**
 * Training-mode exports also name the updated running statistics as outputs; convkit updates the buffers in
 * place instead, so only the normalised output is produced (a node reading the others is refused as unknown).
 */
function batchNormalization(node: OnnxNode, inputs: (Value | undefined)[], ctx: RunContext): Value {
  const [x, scale, bias, mean, variance] = [0, 1, 2, 3, 4].map((i) => tensorIn(node, inputs, i));
  return batchNorm(x, mean, variance, scale, bias, { training: ctx.training, momentum: 1 - attr(node, 'momentum', 0.9), eps: attr(node, 'epsilon', 1e-5) });
}

const axisOf = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

function staticBinary(op: string, a: Static, b: Static): Static {
  const f: Record<string, (x: number, y: number) => number> = { Add: (x, y) => x + y, Sub: (x, y) => x - y, Mul: (x, y) => x * y, Div: (x, y) => Math.trunc(x / y) };
  const [big, other] = a.values.length >= b.values.length ? [a, b] : [b, a];
  if (other.values.length !== 1 && other.values.length !== big.values.length) throw new RangeError(`fromOnnx: ${op} of static values [${a.dims}] and [${b.dims}] needs equal sizes or a scalar`);
  const at = (s: Static, i: number): number => (s.values.length === 1 ? s.values[0] : s.values[i]);
  return new Static(big.dims, big.values.map((_, i) => f[op](at(a, i), at(b, i))));
}

const BINARY: Record<string, (a: Tensor, b: Tensor) => Tensor> = { Add: add, Sub: sub, Mul: mul, Div: div, Pow: pow };
const binary: OpFn = (node, inputs) => {
  const [a, b] = inputs;
  if (isStatic(a) && isStatic(b) && node.opType !== 'Pow') return staticBinary(node.opType, a, b);
  return BINARY[node.opType](tensorIn(node, inputs, 0), tensorIn(node, inputs, 1));
};
const UNARY: Record<string, (x: Tensor) => Tensor> = {
  Relu: relu, Sigmoid: sigmoid, Tanh: tanh, Exp: exp, Log: log, Sqrt: sqrt, Neg: neg, Abs: abs, Reciprocal: reciprocal, Erf: erf, Floor: floor, Ceil: ceil,
};
const unary: OpFn = (node, inputs) => UNARY[node.opType](tensorIn(node, inputs, 0));

function shapeOp(node: OnnxNode, inputs: (Value | undefined)[]): Value {
  const v = inputs[0]!;
  const dims = v instanceof Static ? v.dims : v.shape;
  const start = axisOf(attr(node, 'start', 0), dims.length);
  const end = node.attrs.end ? axisOf(attr(node, 'end', dims.length), dims.length) : dims.length;
  const s = dims.slice(start, end);
  return new Static([s.length], s);
}

function gatherOp(node: OnnxNode, inputs: (Value | undefined)[], ctx: RunContext): Value {
  const [data, indices] = inputs;
  const axis = attr(node, 'axis', 0);
  const idx = indices instanceof Static ? indices : new Static(indices!.shape, numbersOf(indices, where(node), 'indices', ctx.constants));
  if (data instanceof Static) {
    if (data.dims.length !== 1) throw new RangeError(`fromOnnx: ${where(node)} gathers from a static value of dims [${data.dims}]; only 1-D shape values are supported`);
    const n = data.values.length;
    return new Static(idx.dims, idx.values.map((i) => data.values[i < 0 ? i + n : i]));
  }
  const x = tensorIn(node, inputs, 0);
  const d = axisOf(axis, x.ndim);
  if (idx.dims.length === 0) return select(x, d, idx.values[0]);
  if (idx.dims.length !== 1) throw new RangeError(`fromOnnx: ${where(node)} has ${idx.dims.length}-D indices; only scalar and 1-D indices are supported`);
  return indexSelect(x, d, tensor(idx.values.map((i) => (i < 0 ? i + x.shape[d] : i)), { dtype: 'int32' }));
}

/** Axes from the input (opset 13+) or the attribute (before). */
function axesOf(node: OnnxNode, inputs: (Value | undefined)[], ctx: RunContext, rank: number, at = 1): number[] | null {
  const v = inputs[at];
  const axes = v !== undefined ? numbersOf(v, where(node), 'axes', ctx.constants) : (node.attrs.axes?.value as number[] | undefined);
  return axes ? axes.map((a) => axisOf(a, rank)) : null;
}

function unsqueezeOp(node: OnnxNode, inputs: (Value | undefined)[], ctx: RunContext): Value {
  const v = inputs[0]!;
  const raw = inputs[1] !== undefined ? numbersOf(inputs[1], where(node), 'axes', ctx.constants) : ((node.attrs.axes?.value as number[] | undefined) ?? []);
  // axes index the output, which has one dim more per axis
  const outRank = (v instanceof Static ? v.dims.length : v.ndim) + raw.length;
  const axes = raw.map((a) => axisOf(a, outRank)).sort((a, b) => a - b);
  if (v instanceof Static) {
    const dims = v.dims.slice();
    for (const a of axes) dims.splice(a, 0, 1);
    return new Static(dims, v.values);
  }
  return axes.reduce((x, a) => unsqueeze(x, a), v);
}

function squeezeOp(node: OnnxNode, inputs: (Value | undefined)[], ctx: RunContext): Value {
  const v = inputs[0]!;
  const dims = v instanceof Static ? v.dims : v.shape;
  const axes = axesOf(node, inputs, ctx, dims.length) ?? dims.flatMap((s, i) => (s === 1 ? [i] : []));
  if (v instanceof Static) return new Static(dims.filter((_, i) => !axes.includes(i)), v.values);
  return squeeze(v, axes);
}

function concatOp(node: OnnxNode, inputs: (Value | undefined)[]): Value {
  const parts = inputs.filter((v): v is Value => v !== undefined);
  if (parts.every(isStatic)) {
    if (parts.some((p) => p.dims.length !== 1)) throw new RangeError(`fromOnnx: ${where(node)} joins static values that are not 1-D`);
    const values = parts.flatMap((p) => p.values);
    return new Static([values.length], values);
  }
  const ts = parts.map((p) => asTensor(p, where(node)));
  return cat(ts, axisOf(attr(node, 'axis', 0), ts[0].ndim));
}

function reshapeOp(node: OnnxNode, inputs: (Value | undefined)[], ctx: RunContext): Value {
  const v = inputs[0]!;
  const target = numbersOf(inputs[1], where(node), 'shape', ctx.constants);
  const dims = v instanceof Static ? v.dims : v.shape;
  const allowZero = attr<number>(node, 'allowzero', 0) === 1;
  const shape = target.map((s, i) => (s === 0 && !allowZero ? dims[i] : s));
  if (v instanceof Static) {
    const known = shape.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    return new Static(shape.map((s) => (s === -1 ? v.values.length / known : s)), v.values);
  }
  return reshape(v, shape);
}

function sliceOp(node: OnnxNode, inputs: (Value | undefined)[], ctx: RunContext): Value {
  const v = inputs[0]!;
  const read = (i: number, what: string): number[] | null => (inputs[i] === undefined ? null : numbersOf(inputs[i], where(node), what, ctx.constants));
  const starts = read(1, 'starts') ?? (node.attrs.starts?.value as number[]);
  const ends = read(2, 'ends') ?? (node.attrs.ends?.value as number[]);
  const rank = v instanceof Static ? v.dims.length : v.ndim;
  const axes = (read(3, 'axes') ?? (node.attrs.axes?.value as number[] | undefined) ?? starts.map((_, i) => i)).map((a) => axisOf(a, rank));
  const steps = read(4, 'steps') ?? starts.map(() => 1);
  // ONNX writes "to the end" as INT64_MAX, which reaches JS as a float larger than any size
  const end = (e: number): number => (e > 2 ** 52 ? Infinity : e);
  if (v instanceof Static) {
    if (rank !== 1 || steps[0] !== 1) throw new RangeError(`fromOnnx: ${where(node)} slices a static value of dims [${v.dims}]; only 1-D with step 1 is supported`);
    const n = v.values.length;
    const clampIdx = (i: number): number => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
    const out = v.values.slice(clampIdx(starts[0]), clampIdx(Math.min(end(ends[0]), n)));
    return new Static([out.length], out);
  }
  if (steps.some((s) => s <= 0)) throw new RangeError(`fromOnnx: ${where(node)} has non-positive steps ${fmt(steps)}`);
  return axes.reduce((x, a, i) => slice(x, a, starts[i], end(ends[i]), steps[i]), v);
}

function padOp(node: OnnxNode, inputs: (Value | undefined)[], ctx: RunContext): Value {
  const x = tensorIn(node, inputs, 0);
  const pads = inputs[1] !== undefined ? numbersOf(inputs[1], where(node), 'pads', ctx.constants) : attr<number[]>(node, 'pads', []);
  if (inputs[3] !== undefined) throw new Error(`fromOnnx: ${where(node)} uses the axes input (opset 18), which convkit does not import`);
  const value = inputs[2] !== undefined ? numbersOf(inputs[2], where(node), 'constant_value', ctx.constants)[0] : attr(node, 'value', 0);
  const n = x.ndim;
  const begin = pads.slice(0, n);
  const end = pads.slice(n);
  let first = 0;
  while (first < n && begin[first] === 0 && end[first] === 0) first++;
  const list = torchPad(begin.slice(first), end.slice(first));
  const mode = ({ constant: 'constant', reflect: 'reflect', edge: 'replicate', wrap: 'circular' } as const)[attr(node, 'mode', 'constant') as 'constant'];
  if (!mode) throw new Error(`fromOnnx: ${where(node)} has unknown mode '${attr(node, 'mode', '')}'`);
  if (list.length === 0) return x;
  return pad(x, list, mode === 'constant' ? { mode, value } : { mode });
}

function clipOp(node: OnnxNode, inputs: (Value | undefined)[]): Value {
  const x = tensorIn(node, inputs, 0);
  const bound = (i: number, name: string): Tensor | number | null => {
    if (inputs[i] !== undefined) return tensorIn(node, inputs, i);
    const a = node.attrs[name];
    return a ? (a.value as number) : null;
  };
  const lo = bound(1, 'min');
  const hi = bound(2, 'max');
  return lo === null && hi === null ? x : clamp(x, lo, hi);
}

function constantOp(node: OnnxNode, _inputs: (Value | undefined)[], ctx: RunContext): Value {
  const [name, a] = Object.entries(node.attrs)[0] ?? [];
  if (!a) throw new Error(`fromOnnx: ${where(node)} has no value`);
  if (a.type === 'tensor') return constantValue(a.value.values, a.value.dims, a.value.dataType, ctx);
  if (name === 'value_float') return constantValue([a.value as number], [], 1, ctx);
  if (name === 'value_floats') return constantValue(a.value as number[], [(a.value as number[]).length], 1, ctx);
  if (name === 'value_int') return new Static([], [a.value as number]);
  if (name === 'value_ints') return new Static([(a.value as number[]).length], a.value as number[]);
  throw new Error(`fromOnnx: ${where(node)} holds a ${name}, which convkit does not import`);
}

/** Float data becomes a tensor (remembered, for ops that need its numbers); integer data stays static. */
export function constantValue(values: ArrayLike<number>, dims: number[], dataType: number, ctx: RunContext): Value {
  if (dataType === 1 || dataType === 11) {
    const t = tensor(Array.from(values), { shape: dims, dtype: dataType === 11 ? 'float64' : 'float32' });
    ctx.constants.set(t, Array.from(values));
    return t;
  }
  return new Static(dims, Array.from(values));
}

function castOp(node: OnnxNode, inputs: (Value | undefined)[]): Value {
  const v = inputs[0]!;
  const target = attr<number>(node, 'to', 1);
  const isFloat = target === 1 || target === 11;
  if (v instanceof Static) return isFloat ? asTensor(v, where(node)) : v;
  if (isFloat) return to(v, target === 11 ? 'float64' : 'float32');
  throw new Error(`fromOnnx: ${where(node)} casts a float tensor to an integer type, which convkit does not import`);
}

const softmaxLike = (fn: (x: Tensor, dim: number) => Tensor): OpFn => (node, inputs, ctx) => {
  const x = tensorIn(node, inputs, 0);
  const axis = axisOf(attr(node, 'axis', ctx.opset >= 13 ? -1 : 1), x.ndim);
  if (ctx.opset < 13 && axis !== x.ndim - 1) throw new Error(`fromOnnx: ${where(node)} (opset ${ctx.opset}) normalises over the flattened dims from ${axis}; convkit imports it only over the last dim`);
  return fn(x, axis);
};

export const OPS: Record<string, OpFn> = {
  Conv: convOp,
  ConvTranspose: convOp,
  MaxPool: poolOp,
  AveragePool: poolOp,
  GlobalAveragePool: (node, inputs) => {
    const x = tensorIn(node, inputs, 0);
    return BY_RANK([adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d], x, node)(x, 1);
  },
  GlobalMaxPool: (node, inputs) => {
    const x = tensorIn(node, inputs, 0);
    return BY_RANK([adaptiveMaxPool1d, adaptiveMaxPool2d], x, node)(x, 1) as Tensor;
  },
  Gemm: gemm,
  MatMul: (node, inputs) => matmul(tensorIn(node, inputs, 0), tensorIn(node, inputs, 1)),
  ...Object.fromEntries(Object.keys(BINARY).map((k) => [k, binary])),
  ...Object.fromEntries(Object.keys(UNARY).map((k) => [k, unary])),
  Max: (node, inputs) => inputs.map((_, i) => tensorIn(node, inputs, i)).reduce((a, b) => maximum(a, b)),
  Min: (node, inputs) => inputs.map((_, i) => tensorIn(node, inputs, i)).reduce((a, b) => minimum(a, b)),
  Sum: (node, inputs) => inputs.map((_, i) => tensorIn(node, inputs, i)).reduce((a, b) => add(a, b)),
  LeakyRelu: (node, inputs) => leakyRelu(tensorIn(node, inputs, 0), { negativeSlope: attr(node, 'alpha', 0.01) }),
  Elu: (node, inputs) => elu(tensorIn(node, inputs, 0), { alpha: attr(node, 'alpha', 1) }),
  Clip: clipOp,
  BatchNormalization: batchNormalization,
  LRN: (node, inputs) => {
    const size = attr(node, 'size', 0);
    if (size % 2 === 0) throw new Error(`fromOnnx: ${where(node)} has an even size ${size}; PyTorch's (and convkit's) LRN centres even windows differently`);
    return localResponseNorm(tensorIn(node, inputs, 0), size, { alpha: attr(node, 'alpha', 1e-4), beta: attr(node, 'beta', 0.75), k: attr(node, 'bias', 1) });
  },
  Concat: concatOp,
  Flatten: (node, inputs) => {
    const x = tensorIn(node, inputs, 0);
    const axis = axisOf(attr(node, 'axis', 1), x.ndim);
    if (axis === 1 && x.ndim >= 2) return flatten(x, 1);
    return reshape(x, [x.shape.slice(0, axis).reduce((a, b) => a * b, 1), -1]);
  },
  Reshape: reshapeOp,
  Transpose: (node, inputs) => {
    const x = tensorIn(node, inputs, 0);
    return permute(x, attr<number[]>(node, 'perm', x.shape.map((_, i) => x.ndim - 1 - i)));
  },
  Pad: padOp,
  Dropout: (node, inputs, ctx) => {
    if (node.outputs[1]) throw new Error(`fromOnnx: ${where(node)} asks for the mask output, which convkit does not import`);
    const p = inputs[1] !== undefined ? numbersOf(inputs[1], where(node), 'ratio', ctx.constants)[0] : attr(node, 'ratio', 0.5);
    return dropout(tensorIn(node, inputs, 0), { p, training: ctx.training });
  },
  Softmax: softmaxLike(softmax),
  LogSoftmax: softmaxLike(logSoftmax),
  Identity: (_node, inputs) => inputs[0]!,
  Constant: constantOp,
  Shape: shapeOp,
  Gather: gatherOp,
  Unsqueeze: unsqueezeOp,
  Squeeze: squeezeOp,
  Slice: sliceOp,
  Cast: castOp,
};
