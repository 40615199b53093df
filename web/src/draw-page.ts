/** The Draw tab: a canvas to draw on, shrunk to 28×28 as Fashion-MNIST's images are, and the model's top 5. */
import { $, app } from './app.js';
import { drawPlane } from './pictures.js';
import { topK } from './trainer.js';

/** The drawing as 28×28 grey values 0..255 (the canvas is drawn white on black, as the data set is). */
function drawnPixels(canvas: HTMLCanvasElement): Float32Array {
  const small = new OffscreenCanvas(28, 28);
  const ctx = small.getContext('2d')!;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(canvas, 0, 0, 28, 28);
  const rgba = ctx.getImageData(0, 0, 28, 28).data;
  return Float32Array.from({ length: 784 }, (_, i) => rgba[4 * i]);
}

/** Shows the model's top 5 for `pixels`: a test image as it is stored, or the drawing shrunk to 28×28. */
async function predict(pixels: Uint8Array | Float32Array, of: string): Promise<void> {
  const list = $('draw-top5');
  list.dataset.of = of;
  if (!app.trainer) {
    list.innerHTML = '<li>train a model on the first tab first</li>';
    return;
  }
  const top = await topK(app.trainer.model, pixels);
  list.innerHTML = top.map((t) => `<li data-class="${t.index}" data-p="${t.p}">${t.name}: ${(100 * t.p).toFixed(1)}%</li>`).join('');
}

function clear(canvas: HTMLCanvasElement): void {
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
}

export function setupDrawPage(): void {
  const canvas = $<HTMLCanvasElement>('draw-canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  clear(canvas);
  let last: [number, number] | null = null;
  const at = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
  };
  canvas.onpointerdown = (e) => {
    last = at(e);
    canvas.setPointerCapture(e.pointerId);
  };
  canvas.onpointermove = (e) => {
    if (!last) return;
    const p = at(e);
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 22;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(...last);
    ctx.lineTo(...p);
    ctx.stroke();
    last = p;
  };
  canvas.onpointerup = () => {
    last = null;
    void predict(drawnPixels(canvas), 'drawing');
  };
  $('draw-clear').onclick = () => {
    clear(canvas);
    const list = $('draw-top5');
    list.innerHTML = '';
    delete list.dataset.of;
  };
  $('draw-sample').onclick = () => {
    const test = app.test;
    if (!test) return;
    const index = Math.max(0, Math.min(test.count - 1, Math.floor(Number($<HTMLInputElement>('draw-index').value) || 0)));
    drawPlane(ctx, { values: test.pixels.subarray(index * 784, (index + 1) * 784), height: 28, width: 28 }, 0, 0, canvas.width, canvas.height, [0, 255]);
    canvas.dataset.label = String(test.labels[index]);
    // the stored pixels, not the enlarged picture shrunk back: a test image is classified exactly as in training
    void predict(test.pixels.subarray(index * 784, (index + 1) * 784), `test-${index}`);
  };
}
