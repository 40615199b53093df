/**
 * The Convolution tab: the lectures' worked examples as pictures whose numbers convkit computes (F.conv2d,
 * F.conv1d, F.unfold, the pooling ops, ck.conv's size rules), so the page teaches what the library does.
 */
import * as ck from '../../src/index.js';
import { $, app } from './app.js';
import { drawPlane, matrixTable } from './pictures.js';

const F = ck.nn.functional;
/** The classic vertical-edge picture: bright left half, dark right half. */
const INPUT_6X6 = Array.from({ length: 6 }, () => [10, 10, 10, 0, 0, 0]);
const INPUT_1D = [1, 0, 2, 2, 3, 1];
const KERNEL_1D = [3, 2, 1];

const int = (id: string, lo: number, hi: number): number => Math.max(lo, Math.min(hi, Math.floor(Number($<HTMLInputElement>(id).value)) || lo));
const rows = (t: ck.Tensor): number[][] => t.toArray() as number[][];

/** A k×k vertical-edge kernel: +1 in the first column, −1 in the last (a single 1 when k = 1). */
function edgeKernel(k: number): number[][] {
  return Array.from({ length: k }, () => Array.from({ length: k }, (_, j) => (k === 1 ? 1 : j === 0 ? 1 : j === k - 1 ? -1 : 0)));
}

function drawSliding(): void {
  const k = int('ex-k', 1, 6);
  const s = int('ex-s', 1, 6);
  const p = int('ex-p', 0, 3);
  const d = int('ex-d', 1, 3);
  const span = d * (k - 1) + 1;
  const formula = $('ex-formula');
  if (span > 6 + 2 * p) {
    formula.textContent = `kernel ${k} with dilation ${d} spans ${span} cells, more than the padded input's ${6 + 2 * p}: no output`;
    return;
  }
  const x = ck.tensor([[INPUT_6X6]]);
  const w = ck.tensor([[edgeKernel(k)]]);
  const y = F.conv2d(x, w, null, { stride: s, padding: p, dilation: d });
  const out = y.shape[3];
  const pos = Math.min(int('ex-pos', 0, 35), out * out - 1);
  $<HTMLInputElement>('ex-pos').max = String(out * out - 1);
  const [oi, oj] = [Math.floor(pos / out), pos % out];
  formula.innerHTML = `output size ⌊(n + p − k′)/s⌋ + 1 = ⌊(6 + ${2 * p} − ${span})/${s}⌋ + 1 = <b>${out}</b>`
    + ` (p: ${p} each side; k′ = d(k − 1) + 1 = ${span}; ck.conv.outputSize(6, ${k}, {stride: ${s}, padding: ${p}, dilation: ${d}}) = ${ck.conv.outputSize(6, k, { stride: s, padding: p, dilation: d })})`;
  formula.dataset.out = String(out);
  // the padded input, with the window of output (oi, oj) lit
  const n = 6 + 2 * p;
  const padded = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => INPUT_6X6[i - p]?.[j - p] ?? 0));
  const lit = (i: number, j: number): boolean => {
    const [a, b] = [i - oi * s, j - oj * s];
    return a >= 0 && b >= 0 && a % d === 0 && b % d === 0 && a / d < k && b / d < k;
  };
  drawCells($<HTMLCanvasElement>('ex-grid'), padded, lit, (i, j) => i < p || j < p || i >= 6 + p || j >= 6 + p);
  drawCells($<HTMLCanvasElement>('ex-out'), rows(y.reshape([out, out])), (i, j) => i === oi && j === oj, () => false);
}

/** A grid of numbered cells on a canvas: lit cells yellow, padding grey. */
function drawCells(canvas: HTMLCanvasElement, m: number[][], lit: (i: number, j: number) => boolean, pad: (i: number, j: number) => boolean): void {
  const ctx = canvas.getContext('2d')!;
  const n = m.length;
  const cell = Math.floor(canvas.width / Math.max(n, 1));
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = `${Math.max(9, Math.floor(cell / 3))}px sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  m.forEach((row, i) => row.forEach((v, j) => {
    ctx.fillStyle = lit(i, j) ? '#ffd54a' : pad(i, j) ? '#e6e6e6' : v > 0 ? '#cfe3ff' : '#f7f7f7';
    ctx.fillRect(j * cell + 1, i * cell + 1, cell - 2, cell - 2);
    ctx.fillStyle = '#222';
    ctx.fillText(String(Math.round(v * 100) / 100), j * cell + cell / 2, i * cell + cell / 2);
  }));
}

function oneD(): void {
  const y = F.conv1d(ck.tensor([[INPUT_1D]]), ck.tensor([[KERNEL_1D]])).reshape([-1]).toArray() as number[];
  const steps = y.map((v, i) => `y[${i}] = ${KERNEL_1D.map((k, j) => `${k}·${INPUT_1D[i + j]}`).join(' + ')} = ${v}`);
  const el = $('ex-1d');
  el.innerHTML = `${matrixTable([INPUT_1D])} ⋆ ${matrixTable([KERNEL_1D])} = ${matrixTable([y])}<br><small>${steps.join('<br>')}</small>`
    + `<br><small>output size (6 − 3)/1 + 1 = ${ck.conv.outputSize(6, 3)}; with stride 2: ${ck.conv.outputSize(6, 3, { stride: 2 })}</small>`;
  el.dataset.output = y.join(' ');
}

function same(): void {
  const n = int('same-n', 1, 64);
  const k = int('same-k', 1, 16);
  const s = int('same-s', 1, 16);
  const [left, right] = ck.conv.samePadding(n, k, s);
  const out = Math.ceil(n / s);
  const p = left + right;
  const cells = [...Array(left).fill('0'), ...Array.from({ length: n }, (_, i) => `x${i + 1}`), ...Array(right).fill('0')];
  const windows = Array.from({ length: out }, (_, o) => `y${o + 1}: cells ${o * s + 1}–${o * s + k}`).join(', ');
  const el = $('same-out');
  el.innerHTML = `out = ⌈n/s⌉ = ⌈${n}/${s}⌉ = ${out}; total padding p = max((out − 1)·s + k − n, 0) = max(${out - 1}·${s} + ${k} − ${n}, 0) = <b>p = ${p}</b>: `
    + `left ⌊p/2⌋ = <b>${left}</b>, right p − left = <b>${right}</b> (TensorFlow's rule; PyTorch's padding='same' refuses stride > 1)`
    + `<br>${matrixTable([cells], () => false, (_, c) => c < left || c >= left + n)}<br><small>${windows}</small>`;
  Object.assign(el.dataset, { p: String(p), left: String(left), right: String(right), out: String(out) });
}

function im2col(): void {
  const x = ck.tensor([[INPUT_6X6]]);
  const w = edgeKernel(3);
  const cols = F.unfold(x, 3).reshape([9, 16]);
  const wRow = ck.tensor([w.flat()]);
  const y = wRow.matmul(cols);
  const direct = F.conv2d(x, ck.tensor([[w]])).reshape([1, 16]);
  const same = (y.sub(direct).abs().max().item() === 0);
  $('im2col').innerHTML = `X̂ = unfold(x, 3): each column is one 3×3 window of the 6×6 input (9 × 16)<br>${matrixTable(rows(cols), (_, c) => c === 0)}`
    + `<br>w (1 × 9) · X̂ = ${matrixTable([w.flat()])} · X̂ = ${matrixTable(rows(y))} = conv2d(x, w) flattened ${same ? '(identical)' : '(differs!)'}`;
  $('im2col').dataset.identical = String(same);
}

function pooling(): void {
  const x = ck.tensor([[[[1, 3, 2, 1], [4, 6, 5, 0], [7, 2, 9, 8], [1, 0, 3, 4]]]]);
  const mx = F.maxPool2d(x, 2);
  const av = F.avgPool2d(x, 2);
  $('pooling').innerHTML = `${matrixTable(rows(x.reshape([4, 4])), (r, c) => r < 2 && c < 2)} → max ${matrixTable(rows(mx.reshape([2, 2])), (r, c) => r === 0 && c === 0)}`
    + ` average ${matrixTable(rows(av.reshape([2, 2])), (r, c) => r === 0 && c === 0)}`;
  $('pooling').dataset.max = (mx.reshape([-1]).toArray() as number[]).join(' ');
}

const KERNELS: Record<string, () => ck.Tensor> = {
  edge1: () => ck.conv.edgeDetection(1), edge2: () => ck.conv.edgeDetection(2), edge3: () => ck.conv.edgeDetection(3),
  sharpen: () => ck.conv.sharpen(), box: () => ck.conv.boxBlur(3), gauss: () => ck.conv.gaussianBlur(5),
};

function drawKernelPicture(): void {
  if (!app.test) return;
  const pixels = Float32Array.from(app.test.pixels.subarray(0, 784), (v) => v / 255);
  const pick = $<HTMLSelectElement>('kernel-pick').value;
  const k = (KERNELS[pick] ?? KERNELS.edge1)();
  const size = k.shape[0];
  const y = F.conv2d(ck.tensor(pixels).reshape([1, 1, 28, 28]), k.reshape([1, 1, size, size]), null, { padding: 'same' });
  const inCanvas = $<HTMLCanvasElement>('kernel-in');
  const outCanvas = $<HTMLCanvasElement>('kernel-out');
  drawPlane(inCanvas.getContext('2d')!, { values: pixels, height: 28, width: 28 }, 0, 0, inCanvas.width, inCanvas.height, [0, 1]);
  drawPlane(outCanvas.getContext('2d')!, { values: y.dataSync(), height: 28, width: 28 }, 0, 0, outCanvas.width, outCanvas.height);
  $('kernel-caption').textContent = `F.conv2d with ${pick}: ${JSON.stringify((k.toArray() as number[][]).map((r) => r.map((v) => Math.round(v * 1000) / 1000)))}`;
}

/** The explainer's small examples read their numbers synchronously: they run on the CPU, whatever trains. */
const onCpu = (fn: () => void) => (): void => ck.withBackend('wasm', fn);

export function setupExplainer(): void {
  for (const id of ['ex-k', 'ex-s', 'ex-p', 'ex-d', 'ex-pos']) $(id).oninput = onCpu(drawSliding);
  for (const id of ['same-n', 'same-k', 'same-s']) $(id).oninput = onCpu(same);
  $('kernel-pick').onchange = onCpu(drawKernelPicture);
  for (const draw of [drawSliding, oneD, same, im2col, pooling, drawKernelPicture]) onCpu(draw)();
}
