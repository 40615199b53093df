/**
 * The convolution geometry as the WGSL kernels read it: after the four GEMM sizes (M, N, K, batch) the meta buffer
 * holds these values in this order, and GEO_WGSL names their positions for the shader source.
 */
import type { ConvGeometry } from '../conv-kernels.js';

const GEO = ['groups', 'C', 'O', 'Cg', 'Og', 'D', 'H', 'W', 'oD', 'oH', 'oW', 'kD', 'kH', 'kW', 's0', 's1', 's2', 'p0', 'p1', 'p2', 'd0', 'd1', 'd2', 'offx', 'offy', 'offb', 'splits', 'chunk'] as const;
type GeoName = typeof GEO[number];
export const GEO_WGSL = (name: GeoName): string => `prm[${4 + GEO.indexOf(name)}]`;

export function geoMeta(g: ConvGeometry, C: number, O: number, offsets: [number, number, number], split: [number, number] = [1, 16]): number[] {
  return [g.groups, C, O, C / g.groups, O / g.groups, ...g.inSize, ...g.outSize, ...g.kernelSize, ...g.stride, ...g.padBefore, ...g.dilation, ...offsets, ...split];
}

