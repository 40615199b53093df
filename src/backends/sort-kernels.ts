/**
 * The sorting kernel: the one primitive behind sort, argsort, topk, unique and quantile-like ops. It only
 * orders; the values are gathered by the ops layer, so their gradient is gather's and needs no kernel.
 */
import type { Storage, View } from './backend.js';

declare module './backend.js' {
  interface Kernels {
    /**
     * int32 positions that order `x` along `dim` (NaN sorts above every number, as in PyTorch); the result
     * has x's shape, contiguous. Equal values keep their input order (a stable sort), which also satisfies
     * PyTorch's `stable=True`. Optional: a backend without it reports the op as unsupported.
     */
    argsort?(x: View, dim: number, descending: boolean): Storage;
  }
}

export {};
