/** What the playground's end-to-end tests do more than once: train for some steps, judge a screenshot, write a PNG. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { parseIdx } from '../../src/data/datasets/idx.js';

interface PlaygroundState { playground: { history: { losses: number[] } } }

/** Trains `model` in the page for about `steps` steps, stops it, and returns the loss averaged over each `window` steps. */
export async function trainSteps(page: Page, model: string, steps: number, backend = 'wasm', window = 10): Promise<number[]> {
  await page.goto(page.url().replace(/#.*/, '#train'));
  await page.selectOption('#model', model);
  await page.selectOption('#backend', backend);
  // one epoch more than the steps need, so training is still running when it is stopped
  await page.fill('#epochs', String(Math.ceil((steps * 64) / 10_000) + 1));
  await page.click('#start');
  await page.waitForFunction((n) => (globalThis as unknown as PlaygroundState).playground.history.losses.length >= n, steps, { timeout: 300_000, polling: 200 });
  await page.click('#stop');
  await page.waitForSelector('#train-log[data-done]', { timeout: 120_000 });
  const losses = await page.evaluate(() => (globalThis as unknown as PlaygroundState).playground.history.losses);
  const means: number[] = [];
  for (let i = 0; i + window <= losses.length; i += window) means.push(losses.slice(i, i + window).reduce((a, b) => a + b, 0) / window);
  return means;
}

/** Fails unless the screenshot shows something: at least 2% of its pixels differ from the background, in more than 16 colours. */
export function assertNotBlank(png: Buffer, name: string): void {
  const { data, width, height } = PNG.sync.read(png);
  const bg = data.readUInt32BE(0);
  let differ = 0;
  const colours = new Set<number>();
  for (let i = 0; i < width * height; i++) {
    const px = data.readUInt32BE(4 * i);
    if (px !== bg) differ++;
    if (colours.size <= 16) colours.add(px);
  }
  assert.ok(differ > 0.02 * width * height && colours.size > 16, `screenshot ${name} is blank: ${differ} of ${width * height} pixels differ from the background, ${colours.size} colours`);
}

/** Writes test image `index` of the built-in Fashion-MNIST slice as a 28×28 grey PNG. */
export function pngOfTestImage(index: number, path: string): void {
  const gz = readFileSync(fileURLToPath(new URL('../../data/fashion-mnist/t10k-images-idx3-ubyte.gz', import.meta.url)));
  const images = parseIdx(new Uint8Array(gunzipSync(gz)), 't10k-images').data as Uint8Array;
  const png = new PNG({ width: 28, height: 28 });
  for (let i = 0; i < 784; i++) png.data.set([images[index * 784 + i], images[index * 784 + i], images[index * 784 + i], 255], 4 * i);
  writeFileSync(path, PNG.sync.write(png));
}
