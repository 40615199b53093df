/** The convolution geometry as the addon reads it (native/src/geometry.h: 22 int32s). */
import type { ConvGeometry } from '../conv-kernels.js';

export function packGeometry(batch: number, channels: number, outChannels: number, g: ConvGeometry): Int32Array {
  return Int32Array.from([
    batch, channels, outChannels, g.groups,
    ...g.inSize, ...g.outSize, ...g.kernelSize, ...g.stride, ...g.dilation, ...g.padBefore,
  ]);
}
