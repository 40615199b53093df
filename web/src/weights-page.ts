/**
 * The Your weights tab: a safetensors file with torchvision's keys (or one downloaded from the Train tab) loads
 * into the zoo model it belongs to, and an image is classified with it.
 */
import * as ck from '../../src/index.js';
import { $ } from './app.js';
import { CLASSES, forward, MODELS, modelNamed, toBatch } from './trainer.js';

type Builder = (numClasses: number) => ck.nn.Module;
const IMAGENET: Record<string, Builder> = {
  resnet18: (numClasses) => ck.models.resnet18({ numClasses }),
  resnet34: (numClasses) => ck.models.resnet34({ numClasses }),
  resnet50: (numClasses) => ck.models.resnet50({ numClasses }),
  alexnet: (numClasses) => ck.models.alexnet({ numClasses }),
  vgg11: (numClasses) => ck.models.vgg11({ numClasses }),
  googlenet: (numClasses) => ck.models.googlenet({ numClasses }),
};
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** The classifier's width: the first dim of the state dict's last 2-D weight. */
function classesIn(state: Record<string, ck.Tensor>): number {
  const entries = Object.entries(state);
  const last = entries.filter(([k, t]) => k.endsWith('weight') && t.ndim === 2).at(-1);
  if (!last) throw new Error('weights: the file has no 2-D weight, so no classifier layer to size the model by');
  return last[1].shape[0];
}

/** The image cover-cropped to side×side (through the preview canvas unless it is that size), as RGB values 0..1 in planes. */
async function imagePixels(file: File, side: number): Promise<Float32Array> {
  const bitmap = await createImageBitmap(file);
  const preview = $<HTMLCanvasElement>('byo-preview');
  const ctx = preview.getContext('2d', { willReadFrequently: true })!;
  const scale = Math.max(preview.width / bitmap.width, preview.height / bitmap.height);
  const [w, h] = [bitmap.width * scale, bitmap.height * scale];
  ctx.drawImage(bitmap, (preview.width - w) / 2, (preview.height - h) / 2, w, h);
  const small = new OffscreenCanvas(side, side);
  const sctx = small.getContext('2d')!;
  // an image already side×side is read as it is: resampling it through the preview would blur its pixels
  if (bitmap.width === side && bitmap.height === side) sctx.drawImage(bitmap, 0, 0);
  else sctx.drawImage(preview, 0, 0, side, side);
  const rgba = sctx.getImageData(0, 0, side, side).data;
  const out = new Float32Array(3 * side * side);
  for (let i = 0; i < side * side; i++) for (let c = 0; c < 3; c++) out[c * side * side + i] = rgba[4 * i + c] / 255;
  return out;
}

async function classify(): Promise<void> {
  const weights = $<HTMLInputElement>('byo-weights').files?.[0];
  const image = $<HTMLInputElement>('byo-image').files?.[0];
  if (!weights || !image) throw new Error('choose a safetensors file and an image first');
  const choice = $<HTMLSelectElement>('byo-model').value;
  const state = ck.io.loadSafetensors(new Uint8Array(await weights.arrayBuffer()));
  const numClasses = classesIn(state);
  const t0 = performance.now();
  let model: ck.nn.Module;
  let x: ck.Tensor;
  let names: readonly string[] = [];
  if (choice in IMAGENET) {
    model = IMAGENET[choice](numClasses);
    const rgb = await imagePixels(image, 224);
    x = ck.tensor(rgb).reshape([1, 3, 224, 224]).sub(ck.tensor(MEAN).reshape([1, 3, 1, 1])).div(ck.tensor(STD).reshape([1, 3, 1, 1]));
  } else {
    const name = modelNamed(choice);
    model = MODELS[name].build();
    const rgb = await imagePixels(image, 28);
    x = toBatch(Float32Array.from({ length: 784 }, (_, i) => 255 * (0.299 * rgb[i] + 0.587 * rgb[784 + i] + 0.114 * rgb[1568 + i])), [0]);
    names = CLASSES;
  }
  model.loadStateDict(state);
  model.eval();
  const p = await ck.noGrad(() => ck.nn.functional.softmax(forward(model, x), 1)).data();
  const top = Array.from(p, (v, i) => ({ i, v })).sort((a, b) => b.v - a.v).slice(0, 5);
  $('byo-top5').innerHTML = top.map((t) => `<li data-class="${t.i}" data-p="${t.v}">${names[t.i] ?? `class ${t.i}`}: ${(100 * t.v).toFixed(1)}%</li>`).join('');
  $('byo-log').textContent = `${choice}: loaded ${Object.keys(model.stateDict()).length} tensors (${numClasses} classes) from ${weights.name}; classified ${image.name} in ${(performance.now() - t0).toFixed(0)} ms on ${ck.getBackend()}`;
}

export function setupWeightsPage(): void {
  $('byo-run').onclick = () => {
    $('byo-log').textContent = 'working…';
    classify().catch((e: Error) => ($('byo-log').textContent = `error: ${e.message}`));
  };
}
