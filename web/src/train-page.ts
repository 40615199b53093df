/** The Train tab: pick a model, train it step by step in the page, watch the curves, stop, download the weights. */
import * as ck from '../../src/index.js';
import { $, app, yieldToBrowser } from './app.js';
import { drawChart } from './chart.js';
import type { PlatformInfo } from './platform.js';
import { modelNamed, MODELS, Trainer } from './trainer.js';

const EVAL_EVERY = 50;
const EVAL_IMAGES = 1000;
let stopRequested = false;

function drawCharts(): void {
  const { losses, tests } = app.history;
  const smooth = losses.map((_, i) => [i + 1, mean(losses.slice(Math.max(0, i - 9), i + 1))] as [number, number]);
  drawChart($<HTMLCanvasElement>('loss-chart'), [
    { points: smooth, color: '#1f77b4' },
    { points: tests.map((t) => [t.step, t.loss]), color: '#d62728', dots: true },
  ]);
  drawChart($<HTMLCanvasElement>('acc-chart'), [
    { points: batchAccuracy.map((a, i) => [i + 1, a]), color: '#2ca02c' },
    { points: tests.map((t) => [t.step, t.accuracy]), color: '#d62728', dots: true },
  ], 0, 1);
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
let batchAccuracy: number[] = [];

async function offerDownload(trainer: Trainer): Promise<void> {
  const link = $<HTMLAnchorElement>('download');
  if (link.href) URL.revokeObjectURL(link.href);
  const state = await cpuStateDict(trainer.model);
  const bytes = ck.withBackend('wasm', () => ck.io.saveSafetensors(state));
  link.href = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
  link.download = `${trainer.name}.safetensors`;
  link.title = `npx convkit eval --weights ${trainer.name}.safetensors ${MODELS[trainer.name].cli}`;
  link.classList.remove('disabled');
}

/** The state dict copied to the CPU with asynchronous reads, so weights trained on a GPU can be saved too. */
async function cpuStateDict(model: ck.nn.Module): Promise<Record<string, ck.Tensor>> {
  const out: Record<string, ck.Tensor> = {};
  for (const [name, t] of Object.entries(model.stateDict())) {
    const values = await t.data();
    out[name] = ck.withBackend('wasm', () => ck.tensor(values, { dtype: t.dtype }).reshape(t.shape));
  }
  return out;
}

async function run(): Promise<void> {
  if (!app.train || !app.test) throw new Error('playground: the data has not loaded yet');
  // the model, its data and everything the other tabs compute with it live on the chosen backend
  ck.setBackend($<HTMLSelectElement>('backend').value);
  const batch = Number($<HTMLInputElement>('batch').value);
  const epochs = Number($<HTMLInputElement>('epochs').value);
  const optimizer = $<HTMLSelectElement>('optimizer').value === 'sgd' ? 'sgd' : 'adam';
  const trainer = new Trainer(modelNamed($<HTMLSelectElement>('model').value), app.train, batch, optimizer);
  app.trainer = trainer;
  app.history = { losses: [], tests: [], imagesPerSecond: 0 };
  batchAccuracy = [];
  stopRequested = false;
  const log = $('train-log');
  log.textContent = `${MODELS[trainer.name].label}: training on ${ck.getBackend()}, ${ck.getNumThreads()} thread${ck.getNumThreads() === 1 ? '' : 's'}…`;
  let computeMs = 0;
  let images = 0;
  while (!stopRequested && trainer.epoch < epochs) {
    const t0 = performance.now();
    const s = await trainer.step();
    computeMs += performance.now() - t0;
    images += s.count;
    app.history.losses.push(s.loss);
    batchAccuracy.push(s.correct / s.count);
    app.history.imagesPerSecond = images / (computeMs / 1000);
    if (trainer.steps % EVAL_EVERY === 0) {
      app.history.tests.push({ step: trainer.steps, ...(await trainer.evaluate(app.test, EVAL_IMAGES)) });
      for (const f of app.onProgress) await f();
    }
    if (trainer.steps % 5 === 0) {
      const last = app.history.tests.at(-1);
      log.textContent = `${MODELS[trainer.name].label} · epoch ${trainer.epoch + 1}/${epochs} · step ${trainer.steps} · loss ${mean(app.history.losses.slice(-10)).toFixed(3)}`
        + ` · batch accuracy ${(100 * mean(batchAccuracy.slice(-10))).toFixed(1)}%`
        + (last ? ` · test accuracy ${(100 * last.accuracy).toFixed(1)}% (first ${EVAL_IMAGES})` : '')
        + ` · ${Math.round(app.history.imagesPerSecond)} img/s on ${ck.getBackend()}, ${ck.getNumThreads()} thread${ck.getNumThreads() === 1 ? '' : 's'}`;
      drawCharts();
    }
    await yieldToBrowser();
  }
  const final = await trainer.evaluate(app.test);
  app.history.tests.push({ step: trainer.steps, ...final });
  drawCharts();
  log.textContent += ` · ${stopRequested ? 'stopped' : 'done'}: test accuracy ${(100 * final.accuracy).toFixed(2)}% on all ${app.test.count} test images`;
  log.dataset.done = 'true';
  await offerDownload(trainer);
  for (const f of app.onProgress) await f();
}

/** Offers the backends that started; WebGPU is the default where the adapter is a real GPU, not a software one. */
function offerBackends(info: PlatformInfo): void {
  const select = $<HTMLSelectElement>('backend');
  const usable = info.backends.filter((b) => b !== 'native');
  select.innerHTML = usable.map((b) => `<option value="${b}">${b}</option>`).join('');
  const software = /swiftshader|llvmpipe|software/i.test(info.webgpu);
  select.value = usable.includes('webgpu') && !software ? 'webgpu' : 'wasm';
}

export function setupTrainPage(info: PlatformInfo): void {
  offerBackends(info);
  const start = $<HTMLButtonElement>('start');
  const stop = $<HTMLButtonElement>('stop');
  start.onclick = () => {
    start.disabled = true;
    stop.disabled = false;
    delete $('train-log').dataset.done;
    run().catch((e: Error) => {
      console.error(e);
      $('train-log').textContent = `error: ${e.message}`;
    }).finally(() => {
      start.disabled = false;
      stop.disabled = true;
    });
  };
  stop.onclick = () => {
    stopRequested = true;
  };
}
