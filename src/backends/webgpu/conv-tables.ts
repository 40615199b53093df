/**
 * Address tables that take the integer divisions out of the implicit-GEMM loaders (divisions are slow on GPUs and
 * scalar on SwiftShader). Each entry is four i32 (a vec4<i32> in WGSL), built once per geometry and cached.
 *   taps[r], r = (c, kd, kh, kw):     [offset of channel c and the tap in the input, kd·d0, kh·d1, kw·d2]
 *   positions[l], l = (od, oh, ow):   [od·s0 − p0, oh·s1 − p1, ow·s2 − p2, offset of that corner in a plane]
 *   spreadTaps[k], k = (oc, kd, kh, kw): [offset of output channel oc, kd·d0, kh·d1, kw·d2]
 *   inputs[i], i = (id, ih, iw):      [id + p0, ih + p1, iw + p2, 0]
 */
import type { ConvGeometry } from '../conv-kernels.js';
import type { GpuContext } from './context.js';

function each3(size: readonly number[], f: (a: number, b: number, c: number) => number[]): Int32Array {
  const out: number[] = [];
  for (let a = 0; a < size[0]; a++) for (let b = 0; b < size[1]; b++) for (let c = 0; c < size[2]; c++) out.push(...f(a, b, c));
  return Int32Array.from(out);
}

export function patchTables(ctx: GpuContext, g: ConvGeometry, channels: number): { taps: GPUBuffer; positions: GPUBuffer } {
  const [D, H, W] = g.inSize;
  const [d0, d1, d2] = g.dilation;
  const [s0, s1, s2] = g.stride;
  const [p0, p1, p2] = g.padBefore;
  const taps = ctx.constant(`taps:${channels}:${g.inSize}:${g.kernelSize}:${g.dilation}`, () => {
    const perChannel = each3(g.kernelSize, (kd, kh, kw) => [(kd * d0 * H + kh * d1) * W + kw * d2, kd * d0, kh * d1, kw * d2]);
    const out = new Int32Array(channels * perChannel.length);
    for (let c = 0; c < channels; c++) out.set(perChannel.map((v, j) => (j % 4 === 0 ? v + c * D * H * W : v)), c * perChannel.length);
    return out;
  });
  const positions = ctx.constant(`positions:${g.outSize}:${g.inSize}:${g.stride}:${g.padBefore}`, () =>
    each3(g.outSize, (od, oh, ow) => {
      const [id, ih, iw] = [od * s0 - p0, oh * s1 - p1, ow * s2 - p2];
      return [id, ih, iw, (id * H + ih) * W + iw];
    }));
  return { taps, positions };
}

export function spreadTables(ctx: GpuContext, g: ConvGeometry, outPerGroup: number): { taps: GPUBuffer; inputs: GPUBuffer } {
  const [d0, d1, d2] = g.dilation;
  const [p0, p1, p2] = g.padBefore;
  const plane = g.outSize[0] * g.outSize[1] * g.outSize[2];
  const taps = ctx.constant(`spread:${outPerGroup}:${g.outSize}:${g.kernelSize}:${g.dilation}`, () => {
    const perChannel = each3(g.kernelSize, (kd, kh, kw) => [0, kd * d0, kh * d1, kw * d2]);
    const out = new Int32Array(outPerGroup * perChannel.length);
    for (let oc = 0; oc < outPerGroup; oc++) out.set(perChannel.map((v, j) => (j % 4 === 0 ? oc * plane : v)), oc * perChannel.length);
    return out;
  });
  const inputs = ctx.constant(`inputs:${g.inSize}:${g.padBefore}`, () => each3(g.inSize, (id, ih, iw) => [id + p0, ih + p1, iw + p2, 0]));
  return { taps, inputs };
}
