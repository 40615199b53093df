import type { PoolWindows } from '../../backends/conv-kernels.js';
import { padLeading } from './spatial.js';

/** Windows along one dim: output o starts at start(o) and covers size(o) positions `step` apart. */
interface DimWindows {
  start: Int32Array;
  size: Int32Array;
  step: number;
}

/** Fixed windows: output o covers o·stride - pad + j·dilation for j < k. */
export function fixedWindows(out: number, k: number, stride: number, pad: number, dilation: number): DimWindows {
  const start = Int32Array.from({ length: out }, (_, o) => o * stride - pad);
  return { start, size: new Int32Array(out).fill(k), step: dilation };
}

/** The first window that holds no input position (only padding), or -1: a dilated window can step over a short input. */
export function firstEmptyWindow(w: DimWindows, n: number): number {
  for (let o = 0; o < w.start.length; o++) {
    let reaches = false;
    for (let j = 0; j < w.size[o] && !reaches; j++) reaches = w.start[o] + j * w.step >= 0 && w.start[o] + j * w.step < n;
    if (!reaches) return o;
  }
  return -1;
}

/** Adaptive windows, PyTorch's rule: output o of `out` covers [floor(o·n/out), ceil((o+1)·n/out)). */
export function adaptiveRange(o: number, n: number, out: number): [number, number] {
  return [Math.floor((o * n) / out), Math.ceil(((o + 1) * n) / out)];
}

export function adaptiveWindows(out: number, n: number): DimWindows {
  const ranges = Array.from({ length: out }, (_, o) => adaptiveRange(o, n, out));
  return { start: Int32Array.from(ranges, (r) => r[0]), size: Int32Array.from(ranges, (r) => r[1] - r[0]), step: 1 };
}

/** The 5-D windows of an nd-dim pooling: missing leading dims have one window covering their single position. */
export function poolWindows(dims: readonly DimWindows[]): PoolWindows {
  const single: DimWindows = { start: new Int32Array(1), size: new Int32Array(1).fill(1), step: 1 };
  const all = [...new Array<DimWindows>(3 - dims.length).fill(single), ...dims];
  return {
    outSize: padLeading(dims.map((d) => d.start.length), 1),
    start: [all[0].start, all[1].start, all[2].start],
    size: [all[0].size, all[1].size, all[2].size],
    step: [all[0].step, all[1].step, all[2].step],
  };
}
