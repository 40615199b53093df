/**
 * The convolution geometry as the WebAssembly kernels read it: one i32 record in memory, fields at these
 * indices. tools/wasm/wat/conv.ts loads them, src/backends/wasm/conv.ts writes them.
 */
export const GEOMETRY_FIELDS = [
  'C', 'D', 'H', 'W', 'oD', 'oH', 'oW', 'kD', 'kH', 'kW', 'sD', 'sH', 'sW', 'dD', 'dH', 'dW', 'pD', 'pH', 'pW',
  'groups', 'O', 'pointwise',
] as const;

export type GeometryField = (typeof GEOMETRY_FIELDS)[number];

export const fieldOffset = (f: GeometryField): number => 4 * GEOMETRY_FIELDS.indexOf(f);
