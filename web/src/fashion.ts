/** The built-in Fashion-MNIST slice, fetched from the site itself (data/*.gz) and gunzipped by the browser. */
import { imageSet, type ImageSet } from './trainer.js';

async function gunzip(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`playground: could not load ${url} (HTTP ${response.status})`);
  const stream = response.body.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function loadSplit(split: 'train' | 't10k'): Promise<ImageSet> {
  const [images, labels] = await Promise.all([gunzip(`data/${split}-images-idx3-ubyte.gz`), gunzip(`data/${split}-labels-idx1-ubyte.gz`)]);
  return imageSet(images, labels);
}
