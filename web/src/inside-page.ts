/**
 * The Look inside tab: for one test image, the first layer's filters and feature maps, and the saliency and
 * Grad-CAM of the predicted class overlaid on the image, all from ck.vis, redrawn as training goes.
 */
import * as ck from '../../src/index.js';
import { ANATOMY } from './anatomy.js';
import { $, app } from './app.js';
import { CLASSES, forward, MEAN, STD, toBatch } from './trainer.js';

function testImage(): { pixels: Uint8Array; label: number; index: number } {
  const test = app.test!;
  const index = Math.max(0, Math.min(test.count - 1, Math.floor(Number($<HTMLInputElement>('inside-index').value) || 0)));
  return { pixels: test.pixels.subarray(index * 784, (index + 1) * 784), label: test.labels[index], index };
}

/** Draws a [C, H, W] image in [0, 1] scaled to fit the canvas, pixels kept sharp. */
async function show(id: string, image: ck.Tensor): Promise<void> {
  const canvas = $<HTMLCanvasElement>(id);
  const data = (await ck.vis.toImageData(image)) as ImageData;
  const tile = new OffscreenCanvas(data.width, data.height);
  tile.getContext('2d')!.putImageData(data, 0, 0);
  const scale = Math.min(canvas.width / data.width, canvas.height / data.height);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tile, 0, 0, data.width * scale, data.height * scale);
}

export async function drawInside(): Promise<void> {
  if (!app.test) return;
  const { pixels, label, index } = testImage();
  const x = toBatch(pixels, [0]);
  const seen = x.mul(STD).add(MEAN).squeeze(0); // what a person sees: [1, 32, 32] in [0, 1]
  await show('inside-image', seen);
  $('inside-caption').textContent = `test image ${index}: ${CLASSES[label]}`;
  const trainer = app.trainer;
  if (!trainer) {
    $('inside-log').textContent = 'Train a model on the first tab: its filters and maps appear here, live.';
    return;
  }
  const layers = ANATOMY[trainer.name];
  const model = trainer.model;
  model.eval();
  const conv = model.namedModules().find(([name]) => name === layers.firstConv)![1] as ck.nn.Conv2d;
  await show('inside-filters', ck.vis.filters(conv, { nrow: conv.outChannels }));
  const maps = ck.noGrad(() => ck.vis.featureMaps(model, x, layers.firstMaps)[layers.firstMaps]);
  await show('inside-maps', ck.vis.grid(maps.squeeze(0).unsqueeze(1), { nrow: maps.shape[1], normalize: true, scaleEach: true, padValue: 1 }));
  const probs = Array.from(await ck.noGrad(() => ck.nn.functional.softmax(forward(model, x), 1)).data());
  const predicted = probs.indexOf(Math.max(...probs));
  await show('inside-saliency', ck.vis.overlay(seen, ck.vis.saliency(model, x, predicted).squeeze(0)));
  await show('inside-gradcam', ck.vis.overlay(seen, ck.vis.gradCam(model, x, predicted, { layer: layers.gradCamLayer }).squeeze(0)));
  $('inside-log').textContent = `step ${trainer.steps}: predicted ${CLASSES[predicted]} (${(100 * probs[predicted]).toFixed(1)}%); saliency and Grad-CAM (ck.vis) explain that class`;
  $('inside-log').dataset.step = String(trainer.steps);
}

export function setupInsidePage(): void {
  $('inside-refresh').onclick = () => void drawInside();
  app.onProgress.push(drawInside);
}
