/** The first images of Fashion-MNIST's training set as float32 in [0, 1], for training-step workloads. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { FASHION_MNIST } from './types.js';

export interface Images {
  images: Float32Array; // [n, 28, 28]
  labels: Int32Array;
  n: number;
}

export function loadFashion(n: number): Images {
  const img = gunzipSync(readFileSync(`${FASHION_MNIST}train-images-idx3-ubyte.gz`));
  const lab = gunzipSync(readFileSync(`${FASHION_MNIST}train-labels-idx1-ubyte.gz`));
  const images = new Float32Array(n * 784);
  for (let i = 0; i < images.length; i++) images[i] = img[16 + i] / 255;
  return { images, labels: Int32Array.from(lab.subarray(8, 8 + n)), n };
}
