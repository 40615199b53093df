/**
 * The optimisers' updates as one kernel per parameter: one invocation per element reads the parameter, its
 * gradient and state once, and writes them back in place, instead of a dozen elementwise dispatches and
 * temporaries. Every product and sum is written in the order of the optimiser's op sequence (src/optim), with
 * the scalars rounded to f32 as the ops round them, so the two paths agree to the last bit wherever the GPU
 * compiler does not contract a multiply and an add.
 *
 * Which terms exist (momentum, Nesterov, amsgrad, centred, weight decay) is baked into the shader, a few
 * variants per training run; the scalars travel in a small f32 buffer, because Adam's bias corrections change
 * every step and a shader per value would compile every step.
 */
import { numel } from '../../core/shape.js';
import type { OptimizerUpdate, View } from '../backend.js';
import type { GpuContext } from './context.js';
import { FLOAT_HELPERS } from './elementwise.js';
import { bufferOf } from './storage.js';
import { groupsFor, layout, MAIN_1D, metaWith, PRELUDE } from './wgsl.js';

interface Program {
  /** WGSL statements over p, d (the effective gradient), s0… (state) and sc[k] (the scalars). */
  body: string;
  scalars: number[];
}

/** d = ±g (+ p·weightDecay): effectiveGradient in src/optim/update.ts; the decay is scalar sc[0]. */
function gradient(maximize: boolean, weightDecay: number): string {
  const d = maximize ? '-g' : 'g';
  return weightDecay === 0 ? `var d = ${d};` : `var d = ${d} + p * sc[0];`;
}

function sgd(u: Extract<OptimizerUpdate, { kind: 'sgd' }>): Program {
  const scalars = [u.weightDecay, u.momentum, 1 - u.dampening, -u.lr];
  if (u.momentum === 0) return { scalars, body: `${gradient(u.maximize, u.weightDecay)}\n  p = 1.0 * p + sc[3] * d;` };
  const buf = u.firstStep ? 's0 = d;' : 's0 = sc[1] * s0 + sc[2] * d;';
  return { scalars, body: `${gradient(u.maximize, u.weightDecay)}\n  ${buf}\n  ${u.nesterov ? 'd = d + s0 * sc[1];' : 'd = s0;'}\n  p = 1.0 * p + sc[3] * d;` };
}

function adam(u: Extract<OptimizerUpdate, { kind: 'adam' }>): Program {
  const scalars = [u.weightDecay, u.beta1, 1 - u.beta1, u.beta2, 1 - u.beta2, -u.stepSize, u.bias2Sqrt, u.eps, u.decay ?? 1];
  const second = u.amsgrad ? 's2 = ck_max(s2, s1);\n  let second = s2;' : 'let second = s1;';
  const body = `${u.decay === null ? '' : 'p = p * sc[8];'}
  ${gradient(u.maximize, u.weightDecay)}
  s0 = s0 * sc[1] + d * sc[2];
  s1 = s1 * sc[3] + (d * sc[4]) * d;
  ${second}
  let denom = sq(second) / sc[6] + sc[7];
  p = p + (s0 * sc[5]) / denom;`;
  return { scalars, body };
}

function rmsprop(u: Extract<OptimizerUpdate, { kind: 'rmsprop' }>): Program {
  const scalars = [u.weightDecay, u.alpha, 1 - u.alpha, u.eps, u.momentum, -u.lr];
  const gradAvg = u.momentum > 0 ? 's2' : 's1';
  const avg = u.centered ? `${gradAvg} = ${gradAvg} * sc[1] + d * sc[2];\n  var avg = sq(s0 - ${gradAvg} * ${gradAvg});` : 'var avg = sq(s0);';
  const step = u.momentum > 0 ? 's1 = s1 * sc[4] + d / avg;\n  p = p + s1 * sc[5];' : 'p = p + (d * sc[5]) / avg;';
  return { scalars, body: `${gradient(u.maximize, u.weightDecay)}\n  s0 = s0 * sc[1] + (d * sc[2]) * d;\n  ${avg}\n  avg = avg + sc[3];\n  ${step}` };
}

function adagrad(u: Extract<OptimizerUpdate, { kind: 'adagrad' }>): Program {
  const scalars = [u.weightDecay, -u.lr, u.eps];
  return { scalars, body: `${gradient(u.maximize, u.weightDecay)}\n  s0 = s0 + d * d;\n  p = p + (d * sc[1]) / (sq(s0) + sc[2]);` };
}

function program(u: OptimizerUpdate): Program {
  if (u.kind === 'sgd') return sgd(u);
  if (u.kind === 'adam') return adam(u);
  if (u.kind === 'rmsprop') return rmsprop(u);
  return adagrad(u);
}

/** The f32 bit patterns of the scalars, as the i32 values a constant buffer holds. */
function f32Bits(values: readonly number[]): number[] {
  return Array.from(new Int32Array(new Float32Array(values).buffer));
}

function shader(body: string, states: number): string {
  const decls = Array.from({ length: states }, (_, k) => `@group(0) @binding(${k + 4}) var<storage, read_write> S${k}: array<f32>;`).join('\n');
  const loads = Array.from({ length: states }, (_, k) => `  let i${k} = ck_at(i, prm[${k + 3}]);\n  var s${k} = S${k}[i${k}];`).join('\n');
  const stores = Array.from({ length: states }, (_, k) => `  S${k}[i${k}] = s${k};`).join('\n');
  return `${PRELUDE}
${FLOAT_HELPERS}
@group(0) @binding(1) var<storage, read> sc: array<f32>;
@group(0) @binding(2) var<storage, read_write> P: array<f32>;
@group(0) @binding(3) var<storage, read> G: array<f32>;
${decls}
/** sqrt as the unary op computes it (NaN passes through). */
fn sq(x: f32) -> f32 { return select(ck_sqrt(x), x, ck_isnan(x)); }
fn body(i: i32) {
  let ip = ck_at(i, prm[1]);
  var p = P[ip];
  let g = G[ck_at(i, prm[2])];
${loads}
  ${body}
  P[ip] = p;
${stores}
}
${MAIN_1D}`;
}

export function optimizerKernels(ctx: GpuContext) {
  return {
    optimizerStep(update: OptimizerUpdate, param: View, grad: View, state: readonly View[]): void {
      const op = `optimizerStep (${update.kind})`;
      if (param.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 parameter on webgpu, got ${param.dtype}`);
      const { body, scalars } = program(update);
      const n = numel(param.shape);
      const views = [param, grad, ...state];
      const meta = metaWith([n], views.map((v) => layout({ ...v, shape: param.shape })));
      const buffers = [ctx.meta(meta), ctx.meta(f32Bits(scalars)), ...views.map((v) => bufferOf(v, op))];
      ctx.dispatch(op, shader(body, state.length), buffers, groupsFor(n));
    },
  };
}
