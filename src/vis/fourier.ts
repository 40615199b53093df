/**
 * Lucid's image parameterisation for feature visualisation: a spectrum scaled by 1/f (so the optimiser moves
 * low frequencies as easily as high ones), turned into pixels by an inverse real 2-D DFT written as matrix
 * products (differentiable on every backend), colours decorrelated, and a sigmoid to [0, 1].
 */
import type { Tensor } from '../core/tensor.js';
import { matmul, reshape, sigmoid, tensor } from '../ops/index.js';

/** Lucid's colour_correlation_svd_sqrt (ImageNet's colour covariance, square root), divided by its largest column norm. */
const COLOR_SQRT = [0.26, 0.09, 0.02, 0.27, 0.0, -0.05, 0.27, -0.09, 0.03];
const MAX_NORM = Math.max(...[0, 1, 2].map((j) => Math.hypot(COLOR_SQRT[j], COLOR_SQRT[3 + j], COLOR_SQRT[6 + j])));

/** np.fft.fftfreq(n)[k]. */
const fftfreq = (k: number, n: number): number => (k < Math.ceil(n / 2) ? k : k - n) / n;

/** Constant matrices of the inverse real DFT of an h × w image from its h × (⌊w/2⌋ + 1) half spectrum. */
export class InverseRealDft {
  readonly wf: number;
  private readonly cosH: Tensor;
  private readonly sinH: Tensor;
  private readonly cosW: Tensor;
  private readonly sinW: Tensor;
  /** Lucid's spectrum scale: √(hw) / max(|f|, 1/max(h, w)). */
  readonly scale: Tensor;

  constructor(readonly h: number, readonly w: number) {
    const wf = (this.wf = Math.floor(w / 2) + 1);
    const mat = (rows: number, cols: number, f: (r: number, c: number) => number): Tensor => {
      const a = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) a[r * cols + c] = f(r, c);
      return tensor(a, { shape: [rows, cols] });
    };
    this.cosH = mat(h, h, (n, k) => Math.cos((2 * Math.PI * k * n) / h));
    this.sinH = mat(h, h, (n, k) => Math.sin((2 * Math.PI * k * n) / h));
    // the half spectrum stands for its mirror image too: every column but 0 (and w/2 for even w) counts twice
    const twice = (k: number): number => (k === 0 || 2 * k === w ? 1 : 2) / (h * w);
    this.cosW = mat(wf, w, (k, n) => twice(k) * Math.cos((2 * Math.PI * k * n) / w));
    this.sinW = mat(wf, w, (k, n) => twice(k) * Math.sin((2 * Math.PI * k * n) / w));
    this.scale = mat(h, wf, (ky, kx) => Math.sqrt(h * w) / Math.max(Math.hypot(fftfreq(ky, h), kx / w), 1 / Math.max(h, w)));
  }

  /** Real and imaginary parts [C, h, wf] → the real image [C, h, w]. */
  apply(re: Tensor, im: Tensor): Tensor {
    const [c, h, wf] = re.shape;
    const cols = (t: Tensor): Tensor => reshape(t.mul(this.scale).permute([1, 0, 2]), [h, c * wf]);
    const [xr, xi] = [cols(re), cols(im)];
    // along the height: a complex inverse DFT
    const rows = (t: Tensor): Tensor => reshape(reshape(t, [h, c, wf]).permute([1, 0, 2]), [c * h, wf]);
    const yr = rows(matmul(this.cosH, xr).sub(matmul(this.sinH, xi)));
    const yi = rows(matmul(this.sinH, xr).add(matmul(this.cosH, xi)));
    // along the width: the real part of the inverse transform
    return reshape(matmul(yr, this.cosW).sub(matmul(yi, this.sinW)), [c, h, this.w]);
  }
}

/** Pixels in [0, 1] from an unconstrained [C, H, W] image: colours decorrelated (3 channels only), then a sigmoid. */
export function toValidRgb(t: Tensor, decorrelate: boolean): Tensor {
  const [c, h, w] = t.shape;
  if (!decorrelate || c !== 3) return sigmoid(t);
  const m = tensor(COLOR_SQRT.map((v) => v / MAX_NORM), { shape: [3, 3], dtype: t.dtype });
  return sigmoid(reshape(matmul(m, reshape(t, [3, h * w])), [3, h, w]));
}
