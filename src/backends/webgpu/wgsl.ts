/**
 * WGSL building blocks shared by the kernels: element types, the strided-layout descriptor every kernel
 * reads its views through, and float helpers with PyTorch's NaN and infinity behaviour.
 */
import type { DType } from '../../core/dtype.js';
import { contiguousStrides, type Shape } from '../../core/shape.js';
import type { EpilogueActivation, View } from '../backend.js';
import { checkDType } from './storage.js';

export const WORKGROUP = 256;

/** The WGSL scalar a dtype is stored as: bool is an i32 0/1, so every element is 4 bytes. */
export function wgslType(dtype: DType, op: string): 'f32' | 'i32' {
  checkDType(dtype, op);
  return dtype === 'float32' ? 'f32' : 'i32';
}

/**
 * A view's layout as meta integers: [nd, offset, shape..., strides...], or [0, offset] when the view is
 * row-major contiguous (element i is at offset + i). `ck_at` in PRELUDE walks it.
 */
export function layout(v: { shape: Shape; strides: readonly number[]; offset: number }): number[] {
  const dims = v.shape.map((_, i) => i).filter((i) => v.shape[i] !== 1);
  const shape = dims.map((i) => v.shape[i]);
  const strides = dims.map((i) => v.strides[i]);
  const dense = contiguousStrides(shape).every((s, i) => s === strides[i]);
  return dense ? [0, v.offset] : [shape.length, v.offset, ...shape, ...strides];
}

/** Meta for several layouts after a header: header, then each layout; returns the values and where each layout starts. */
export function metaWith(header: readonly number[], layouts: readonly number[][]): number[] {
  const at: number[] = [];
  let pos = header.length + layouts.length;
  for (const l of layouts) {
    at.push(pos);
    pos += l.length;
  }
  return [...header, ...at, ...layouts.flat()];
}

export function viewLayout(v: View): number[] {
  return layout(v);
}

/** Declarations and helpers every kernel starts with; binding 0 is the meta buffer. */
export const PRELUDE = /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
var<private> ck_nan_bits: u32 = 0x7fc00000u;
var<private> ck_inf_bits: u32 = 0x7f800000u;
fn ck_nan() -> f32 { return bitcast<f32>(ck_nan_bits); }
fn ck_inf() -> f32 { return bitcast<f32>(ck_inf_bits); }
fn ck_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn ck_isfinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
fn ck_at(i: i32, at: i32) -> i32 {
  let nd = prm[at];
  var off = prm[at + 1];
  if (nd == 0) { return off + i; }
  var r = i;
  for (var d = nd - 1; d >= 0; d--) {
    let s = prm[at + 2 + d];
    off += (r % s) * prm[at + 2 + nd + d];
    r = r / s;
  }
  return off;
}
`;

/** The flat invocation index of a 1-D kernel dispatched with ctx.dispatch (2-D folded grid). */
export const MAIN_1D = /* wgsl */ `
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) li: u32) {
  let i = i32((wg.y * nwg.x + wg.x) * ${WORKGROUP}u + li);
  if (i >= prm[0]) { return; }
  body(i);
}
`;

export function groupsFor(n: number): number {
  return Math.ceil(n / WORKGROUP);
}

/**
 * The epilogue of a convolution or linear layer: `value` (output plus bias) through the activation, as the separate
 * op computes it (ReLU: select(v, 0, v <= 0), so NaN stays NaN). WGSL statements ending in `let r = ...;`.
 */
export function epilogue(value: string, activation: EpilogueActivation | null): string {
  return activation === 'relu' ? `let r0 = ${value}; let r = select(r0, 0.0, r0 <= 0.0);` : `let r = ${value};`;
}

/** Converts a value of WGSL type `from` to `to`, with bool outputs as 0/1. */
export function convert(expr: string, from: 'f32' | 'i32', to: 'f32' | 'i32', toBool = false): string {
  if (toBool) return `select(0, 1, ${expr} != ${from === 'f32' ? '0.0' : '0'})`;
  return from === to ? expr : `${to}(${expr})`;
}
