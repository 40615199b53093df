/**
 * Bilinear resampling written with gather, so it is differentiable and runs on every backend: `resize`
 * (F.interpolate's bilinear, align_corners=False) for heat maps, and an affine warp (translation, scale,
 * rotation) for feature visualisation's transformation robustness.
 */
import type { Tensor } from '../core/tensor.js';
import { gather, reshape, tensor } from '../ops/index.js';

/** Where output pixel (i, j) reads the input, in input pixel coordinates (fractional). */
type Source = (i: number, j: number) => [number, number];

/** out[m, i, j] = bilinear read of x[m] at source(i, j), coordinates clamped to the border. */
export function bilinear(x: Tensor, outH: number, outW: number, source: Source): Tensor {
  const lead = x.shape.slice(0, -2);
  const [h, w] = x.shape.slice(-2);
  const m = lead.reduce((a, b) => a * b, 1);
  const n = outH * outW;
  const idx = [0, 1, 2, 3].map(() => new Int32Array(n));
  const wts = [0, 1, 2, 3].map(() => new Float32Array(n));
  for (let i = 0; i < outH; i++) {
    for (let j = 0; j < outW; j++) {
      const [sy, sx] = source(i, j);
      const y = Math.min(Math.max(sy, 0), h - 1);
      const xx = Math.min(Math.max(sx, 0), w - 1);
      const y0 = Math.floor(y);
      const x0 = Math.floor(xx);
      const y1 = Math.min(y0 + 1, h - 1);
      const x1 = Math.min(x0 + 1, w - 1);
      const ly = y - y0;
      const lx = xx - x0;
      const p = i * outW + j;
      [[y0, x0, (1 - ly) * (1 - lx)], [y0, x1, (1 - ly) * lx], [y1, x0, ly * (1 - lx)], [y1, x1, ly * lx]].forEach(([yy, xc, wt], k) => {
        idx[k][p] = yy * w + xc;
        wts[k][p] = wt;
      });
    }
  }
  const flat = reshape(x, [m, h * w]);
  let out: Tensor | null = null;
  for (let k = 0; k < 4; k++) {
    const rows = new Int32Array(m * n);
    for (let r = 0; r < m; r++) rows.set(idx[k], r * n);
    const term = gather(flat, 1, tensor(rows, { shape: [m, n], dtype: 'int32' })).mul(tensor(wts[k], { shape: [1, n], dtype: x.dtype }));
    out = out ? out.add(term) : term;
  }
  return reshape(out!, [...lead, outH, outW]);
}

/** F.interpolate(x, size, mode='bilinear', align_corners=False) on the last two dims. */
export function resizeBilinear(x: Tensor, outH: number, outW: number): Tensor {
  const [h, w] = x.shape.slice(-2);
  // PyTorch's area_pixel_compute_source_index: negative source coordinates are clamped to 0
  const src = (d: number, inSize: number, outSize: number): number => Math.max(((d + 0.5) * inSize) / outSize - 0.5, 0);
  return bilinear(x, outH, outW, (i, j) => [src(i, h, outH), src(j, w, outW)]);
}

export interface Affine {
  /** Shift of the content in pixels (dy, dx). */
  shift: [number, number];
  scale: number;
  /** Rotation in degrees. */
  angle: number;
}

/** The centre [outH, outW] crop of x after scaling and rotating it about its centre and shifting it. */
export function affineWarp(x: Tensor, outH: number, outW: number, t: Affine): Tensor {
  const [h, w] = x.shape.slice(-2);
  const cos = Math.cos((t.angle * Math.PI) / 180) / t.scale;
  const sin = Math.sin((t.angle * Math.PI) / 180) / t.scale;
  const [cy, cx] = [(h - 1) / 2 - t.shift[0], (w - 1) / 2 - t.shift[1]];
  return bilinear(x, outH, outW, (i, j) => {
    const dy = i - (outH - 1) / 2;
    const dx = j - (outW - 1) / 2;
    return [cy + cos * dy + sin * dx, cx - sin * dy + cos * dx];
  });
}
