/** The Look inside tab: first-layer filters and feature maps of one test image, saliency and Grad-CAM, redrawn as training goes. */
import * as ck from '../../src/index.js';
import { anatomy, gradCam, saliency } from './anatomy.js';
import { $, app } from './app.js';
import { drawPlane, drawRow, planes } from './pictures.js';
import { CLASSES, forward, toBatch } from './trainer.js';

function testImage(): { pixels: Uint8Array; label: number; index: number } {
  const test = app.test!;
  const index = Math.max(0, Math.min(test.count - 1, Math.floor(Number($<HTMLInputElement>('inside-index').value) || 0)));
  return { pixels: test.pixels.subarray(index * 784, (index + 1) * 784), label: test.labels[index], index };
}

function drawHeat(id: string, map: { values: ArrayLike<number>; height: number; width: number }): void {
  const canvas = $<HTMLCanvasElement>(id);
  drawPlane(canvas.getContext('2d')!, map, 0, 0, canvas.width, canvas.height, undefined, true);
}

export async function drawInside(): Promise<void> {
  if (!app.test) return;
  const { pixels, label, index } = testImage();
  const img = $<HTMLCanvasElement>('inside-image');
  drawPlane(img.getContext('2d')!, { values: pixels, height: 28, width: 28 }, 0, 0, img.width, img.height, [0, 255]);
  const trainer = app.trainer;
  if (!trainer) {
    $('inside-log').textContent = 'Train a model on the first tab: its filters and maps appear here, live.';
    return;
  }
  const parts = anatomy(trainer.name, trainer.model);
  trainer.model.eval();
  const x = toBatch(pixels, [0]);
  const w = parts.firstConv.weight;
  const [o, c, kh, kw] = w.shape;
  drawRow($<HTMLCanvasElement>('inside-filters'), planes(await w.data(), o * c, kh, kw));
  const maps = ck.noGrad(() => parts.firstMaps(x));
  const [, mc, mh, mw] = maps.shape;
  drawRow($<HTMLCanvasElement>('inside-maps'), planes(await maps.data(), mc, mh, mw));
  const probs = Array.from(await ck.noGrad(() => ck.nn.functional.softmax(forward(trainer.model, x), 1)).data());
  const predicted = probs.indexOf(Math.max(...probs));
  drawHeat('inside-saliency', await saliency(parts, x, predicted));
  drawHeat('inside-gradcam', await gradCam(parts, x, predicted));
  $('inside-caption').textContent = `test image ${index}: ${CLASSES[label]}`;
  $('inside-log').textContent = `step ${trainer.steps}: predicted ${CLASSES[predicted]} (${(100 * probs[predicted]).toFixed(1)}%); saliency and Grad-CAM explain that class`;
  $('inside-log').dataset.step = String(trainer.steps);
}

export function setupInsidePage(): void {
  $('inside-refresh').onclick = () => void drawInside();
  app.onProgress.push(drawInside);
}
