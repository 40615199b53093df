/**
 * The pictures of `convkit inspect` and of report.html's "Look inside" section, made with ck.vis: learned
 * filters beside the lecture's hand-crafted kernels, feature maps per conv stage, Grad-CAM and saliency
 * overlays, and activation-maximisation images. Each figure is PNG bytes with a file name and a caption.
 */
import { noGrad } from '../core/autograd.js';
import type { Tensor } from '../core/tensor.js';
import * as kernels from '../conv/kernels.js';
import { Conv2d } from '../nn/modules/conv.js';
import type { Module } from '../nn/module.js';
import { softmax } from '../nn/activation.js';
import { conv2d } from '../ops/conv/conv.js';
import { tensor } from '../ops/index.js';
import { activationMaximization, colorize, featureMaps, filters, gradCam, grid, overlay, saliency, upscale } from '../vis/index.js';
import { toPng } from '../vis/node.js';
import type { Section } from './gallery.js';

export interface Figure {
  file: string;
  caption: string;
  png: Uint8Array;
}

/** An integer zoom that shows an image of this side at about `target` pixels. */
const zoomFor = (side: number, target = 112): number => Math.max(1, Math.round(target / side));

export async function figure(file: string, caption: string, image: Tensor, target = 112): Promise<Figure> {
  return { file, caption, png: await toPng(upscale(image, zoomFor(Math.max(...image.shape.slice(-2)), target))) };
}

/** What the model sees, shown as a person would: normalisation undone, clamped to [0, 1]. */
export function displayable(x: Tensor, mean: readonly number[], std: readonly number[]): Tensor {
  const shape = [1, x.shape[1], 1, 1];
  const per = (v: readonly number[]): Tensor => tensor(v.length === 1 ? new Array<number>(x.shape[1]).fill(v[0]) : [...v], { shape });
  return x.mul(per(std)).add(per(mean)).clamp(0, 1);
}

export const convLayers = (model: Module): string[] => model.namedModules().filter(([, m]) => m instanceof Conv2d).map(([n]) => n);

/** Up to `limit` conv layers spread over the network (all when there are few): the stages to show. */
export function stageLayers(model: Module, limit = 6): string[] {
  const all = convLayers(model);
  if (all.length <= limit) return all;
  return Array.from({ length: limit }, (_, i) => all[Math.round((i * (all.length - 1)) / (limit - 1))]);
}

/** The last conv layer whose maps are larger than 1×1: where Grad-CAM still has a picture to show. */
export function camLayer(model: Module, x: Tensor): string {
  const names = convLayers(model);
  if (names.length === 0) throw new Error('the model has no Conv2d layer to take Grad-CAM at');
  const maps = featureMaps(model, x.narrow(0, 0, 1), names);
  return [...names].reverse().find((n) => maps[n].shape[2] * maps[n].shape[3] > 1) ?? names[names.length - 1];
}

export async function predictions(model: Module, x: Tensor): Promise<{ predicted: number[]; confidence: number[] }> {
  const probs = noGrad(() => softmax(model.call(x) as Tensor, 1));
  const c = probs.shape[1];
  const p = await probs.data();
  const predicted = Array.from({ length: x.shape[0] }, (_, i) => {
    let best = 0;
    for (let k = 1; k < c; k++) if (p[i * c + k] > p[i * c + best]) best = k;
    return best;
  });
  return { predicted, confidence: predicted.map((k, i) => p[i * c + k]) };
}

/** The first conv layer's learned kernels. */
export async function filtersFigure(model: Module): Promise<Figure> {
  const first = model.modules().find((m): m is Conv2d => m instanceof Conv2d);
  if (!first) throw new Error('the model has no Conv2d layer');
  const [out, inC, kh, kw] = first.weight.shape;
  return figure('filters.png', `first-layer filters: ${out} kernels ${kh}×${kw} over ${inC} channel${inC === 1 ? '' : 's'}${inC === 3 ? ' (in colour)' : ''}`, filters(first), 224);
}

/** The lecture's hand-crafted kernels on one image (grey), then the first learned layer's maps of it. */
export async function handCraftedFigures(model: Module, x: Tensor, display: Tensor, tag: string): Promise<Figure[]> {
  const grey = display.mean(1, true);
  const named: [string, Tensor][] = [['edge (8-neighbour Laplacian)', kernels.edgeDetection(3)], ['sharpen', kernels.sharpen()], ['Gaussian blur', kernels.gaussianBlur(5)]];
  const out: Figure[] = [await figure(`${tag}-image.png`, 'the test image', display.select(0, 0))];
  for (const [name, k] of named) {
    const y = conv2d(grey, k.reshape([1, 1, ...k.shape]), null, { padding: 'same' });
    const shown = name.startsWith('edge') ? colorize(y.select(0, 0)) : y.select(0, 0).clamp(0, 1);
    out.push(await figure(`${tag}-${name.split(' ')[0].toLowerCase()}.png`, `hand-crafted: ${name}`, shown));
  }
  const first = convLayers(model)[0];
  const maps = featureMaps(model, x, first)[first].select(0, 0).unsqueeze(1);
  out.push(await figure(`${tag}-learned.png`, `learned: the ${maps.shape[0]} maps of ${first}`, grid(maps, { nrow: Math.ceil(Math.sqrt(maps.shape[0])), padding: 1, normalize: true, scaleEach: true, padValue: 1 }), 224));
  return out;
}

/** One grid per image and layer: every channel of the layer's output, each scaled to its own range. */
export async function featureMapFigures(model: Module, x: Tensor, layers: readonly string[], tags: readonly string[]): Promise<Figure[]> {
  const maps = featureMaps(model, x, layers);
  const out: Figure[] = [];
  for (let i = 0; i < x.shape[0]; i++) {
    for (const layer of layers) {
      const m = maps[layer];
      if (m.ndim !== 4) continue;
      const channels = m.select(0, i).unsqueeze(1);
      // 1×1 maps are single units: one scale for all of them shows which are active
      const units = m.shape[2] * m.shape[3] === 1;
      const g = grid(channels, { nrow: Math.ceil(Math.sqrt(channels.shape[0])), padding: 1, normalize: true, scaleEach: !units, padValue: 1 });
      const what = units ? `${m.shape[1]} units (1×1 maps), one scale` : `${m.shape[1]} maps ${m.shape[2]}×${m.shape[3]}`;
      out.push(await figure(`${tags[i]}-maps-${layer.replace(/\./g, '_')}.png`, `${tags[i]}: ${layer}, ${what}`, g, 256));
    }
  }
  return out;
}

/** Grad-CAM and saliency of each image for its target class, over the image. */
export async function attributionFigures(model: Module, x: Tensor, display: Tensor, targets: readonly number[], captions: readonly string[], tags: readonly string[], layer: string, withSaliency = true): Promise<Figure[]> {
  const cam = gradCam(model, x, [...targets], { layer });
  const cams = overlay(display, cam);
  const sal = withSaliency ? overlay(display, saliency(model, x, [...targets]).amax(1, true), { alpha: 0.6, colormap: 'inferno' }) : null;
  const out: Figure[] = [];
  for (let i = 0; i < x.shape[0]; i++) {
    out.push(await figure(`${tags[i]}-gradcam.png`, `${captions[i]}: Grad-CAM at ${layer}`, cams.select(0, i)));
    if (sal) out.push(await figure(`${tags[i]}-saliency.png`, `${captions[i]}: saliency`, sal.select(0, i)));
  }
  return out;
}

export interface MaximizeOptions {
  side: number;
  channels: number;
  mean: readonly number[];
  std: readonly number[];
  steps: number;
  seed: number;
  /** Called per step: which image (0-based), how many, the step. */
  onStep?: (image: number, images: number, step: number) => void;
}

/** Activation-maximisation images: one per class, or one per chosen channel of a layer. */
export async function maximizationFigures(model: Module, units: { class?: number; layer?: string; channel?: number; label: string; file: string }[], o: MaximizeOptions): Promise<Figure[]> {
  const out: Figure[] = [];
  for (const [i, u] of units.entries()) {
    const objective = u.class !== undefined ? { class: u.class } : { layer: u.layer, channel: u.channel };
    const r = await activationMaximization(model, {
      ...objective, steps: o.steps, seed: o.seed + i, size: o.side, channels: o.channels, mean: [...o.mean], std: [...o.std],
      onStep: o.onStep ? (s) => o.onStep!(i, units.length, s) : undefined,
    });
    out.push(await figure(u.file, `${u.label}: ${r.startActivation.toFixed(2)} → ${r.activation.toFixed(2)}`, r.pixels.select(0, 0), 128));
  }
  return out;
}

export interface ReportImages {
  /** A few test images as the model sees them (normalised), [N, C, H, W]. */
  x: Tensor;
  /** Misclassified test images as the model sees them, with their labels. */
  wrong: { x: Tensor; targets: number[]; predicted: number[] } | null;
  mean: readonly number[];
  std: readonly number[];
  classes: readonly string[];
}

/** report.html's "Look inside": learned filters beside hand-crafted kernels, feature maps, Grad-CAM of mistakes. */
export async function reportSections(model: Module, r: ReportImages): Promise<Section[]> {
  const display = displayable(r.x, r.mean, r.std);
  const layers = stageLayers(model);
  const tags = Array.from({ length: r.x.shape[0] }, (_, i) => `test${i}`);
  const sections: Section[] = [
    {
      heading: 'Learned filters and hand-crafted kernels',
      about: 'The first layer\'s learned kernels, and the lecture\'s hand-crafted kernels (edge detection, sharpen, blur) beside the learned layer\'s maps of the same test image.',
      figures: [await filtersFigure(model), ...(await handCraftedFigures(model, r.x.narrow(0, 0, 1), display.narrow(0, 0, 1), 'test0'))],
    },
    { heading: 'Feature maps', about: `Every channel of ${layers.join(', ')} for ${r.x.shape[0]} test images, each scaled to its own range (1×1 maps share one): features start simple and become more complex.`, figures: await featureMapFigures(model, r.x, layers, tags) },
  ];
  if (r.wrong) {
    const w = r.wrong;
    const captions = w.targets.map((t, i) => `true ${r.classes[t]}, predicted ${r.classes[w.predicted[i]]}`);
    const layer = camLayer(model, w.x);
    sections.push({
      heading: 'Grad-CAM of misclassified test images',
      about: `Where the evidence for the wrong answer lies (Grad-CAM at ${layer}, for the predicted class).`,
      figures: await attributionFigures(model, w.x, displayable(w.x, r.mean, r.std), w.predicted, captions, captions.map((_, i) => `wrong${i}`), layer, false),
    });
  }
  return sections;
}
