/**
 * Walking several strided operands of one shape together, a contiguous-ish row at a time. Dims of size 1 are
 * dropped and neighbouring dims merged where every operand allows it, so a broadcast per-channel scale over an
 * NCHW tensor walks rows of H·W, and a dense tensor is a single row.
 */
export interface Walk {
  shape: number[];
  /** strides[k][d]: operand k's stride along merged dim d */
  strides: number[][];
}

export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): Walk {
  const dims = shape.map((_, d) => d).filter((d) => shape[d] !== 1);
  const out: Walk = { shape: [], strides: strides.map(() => []) };
  for (const d of dims) {
    const last = out.shape.length - 1;
    const mergeable = last >= 0 && strides.every((s, k) => out.strides[k][last] === s[d] * shape[d]);
    if (mergeable) {
      out.shape[last] *= shape[d];
      strides.forEach((s, k) => (out.strides[k][last] = s[d]));
    } else {
      out.shape.push(shape[d]);
      strides.forEach((s, k) => out.strides[k].push(s[d]));
    }
  }
  if (out.shape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return out;
}

/**
 * Calls `row(offsets, length)` for every run along the innermost merged dim; `offsets[k]` is operand k's
 * element offset at the start of the run (the array is reused between calls). Inner strides are w.strides[k][last].
 */
export function forEachRow(w: Walk, base: readonly number[], row: (offsets: number[], length: number) => void): void {
  const nd = w.shape.length;
  const ops = base.length;
  const len = w.shape[nd - 1];
  if (len === 0 || w.shape.some((s) => s === 0)) return;
  const offsets = base.slice();
  const idx = new Array<number>(nd).fill(0);
  for (;;) {
    row(offsets, len);
    let d = nd - 2;
    for (; d >= 0; d--) {
      for (let k = 0; k < ops; k++) offsets[k] += w.strides[k][d];
      if (++idx[d] < w.shape[d]) break;
      for (let k = 0; k < ops; k++) offsets[k] -= w.strides[k][d] * w.shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
