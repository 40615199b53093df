import { readsSync } from '../backends/registry.js';
import type { Tensor } from './tensor.js';

/** Printing options, as torch.set_printoptions. */
export const printOptions = { precision: 4, threshold: 1000, edgeItems: 3, lineWidth: 80 };

type Formatter = (v: number) => string;

/** PyTorch's choice between integer, fixed and scientific notation, from the finite non-zero values. */
function floatFormatter(values: ArrayLike<number>): Formatter {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && values[i] !== 0) finite.push(Math.abs(values[i]));
  const special = (v: number): string | null => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null);
  const p = printOptions.precision;
  if (finite.length === 0) return (v) => special(v) ?? `${v === 0 && 1 / v < 0 ? '-' : ''}0.`;
  const max = Math.max(...finite);
  const min = Math.min(...finite);
  if (finite.every((v) => Number.isInteger(v))) {
    if (max / min > 1000 || max > 1e8) return (v) => special(v) ?? v.toExponential(p).replace(/e([+-])(\d)$/, 'e$10$2');
    return (v) => special(v) ?? `${v.toFixed(0)}.`;
  }
  if (max / min > 1000 || max > 1e8 || min < 1e-4) {
    return (v) => special(v) ?? v.toExponential(p).replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return (v) => special(v) ?? v.toFixed(p);
}

function formatterFor(t: Tensor, values: ArrayLike<number>): Formatter {
  if (t.dtype === 'bool') return (v) => (v ? 'True' : 'False');
  if (t.dtype === 'int32') return (v) => String(v);
  return floatFormatter(values);
}

/** Indices shown along a dim of `size` (all, or the edges when summarising). */
function shownIndices(size: number, summarize: boolean): (number | null)[] {
  const e = printOptions.edgeItems;
  if (!summarize || size <= 2 * e) return Array.from({ length: size }, (_, i) => i);
  return [...Array.from({ length: e }, (_, i) => i), null, ...Array.from({ length: e }, (_, i) => size - e + i)];
}

export function formatTensor(t: Tensor): string {
  // without synchronous reads (a GPU) or after dispose, what is known without reading
  if (!readsSync(t.device) || t.isDisposed) {
    return `tensor(<${t.isDisposed ? 'disposed' : 'values on the device'}>, size=(${t.shape.join(', ')}), dtype=${t.dtype}, device='${t.device}')`;
  }
  const values = t.dataSync();
  const summarize = values.length > printOptions.threshold;
  const shown = summarize ? shownValues(t, values) : values;
  const fmtv = formatterFor(t, shown);
  const width = Math.max(1, ...Array.from(shown, (v) => fmtv(v).length));
  const indent = 'tensor('.length;
  const body = t.ndim === 0 ? fmtv(values[0]) : values.length === 0 ? '[]' : block(t, values, fmtv, width, 0, 0, indent + 1, summarize);
  const suffix: string[] = [];
  if (values.length === 0 && t.ndim > 1) suffix.push(`size=(${t.shape.join(', ')})`);
  if (t.dtype === 'float64') suffix.push('dtype=float64');
  if (t.gradFn) suffix.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffix.push('requires_grad=True');
  return `tensor(${body}${suffix.map((s) => `, ${s}`).join('')})`;
}

/** The values a summarised print shows (the edges of every dim), which alone decide the number format. */
function shownValues(t: Tensor, values: ArrayLike<number>): number[] {
  const out: number[] = [];
  const visit = (dim: number, offset: number): void => {
    const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    for (const i of shownIndices(t.shape[dim], true)) {
      if (i === null) continue;
      if (dim === t.ndim - 1) out.push(values[offset + i]);
      else visit(dim + 1, offset + i * stride);
    }
  };
  visit(0, 0);
  return out;
}

function block(t: Tensor, values: ArrayLike<number>, f: Formatter, width: number, dim: number, offset: number, col: number, summarize: boolean): string {
  const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const idx = shownIndices(t.shape[dim], summarize);
  if (dim === t.ndim - 1) {
    const items = idx.map((i) => (i === null ? ' ...' : f(values[offset + i]).padStart(width)));
    const perLine = Math.max(1, Math.floor((printOptions.lineWidth - (col - 1)) / (width + 2)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(col)}`)}]`;
  }
  const sep = `,${'\n'.repeat(t.ndim - dim - 1)}${' '.repeat(col)}`;
  const parts = idx.map((i) => (i === null ? '...' : block(t, values, f, width, dim + 1, offset + i * stride, col + 1, summarize)));
  return `[${parts.join(sep)}]`;
}
