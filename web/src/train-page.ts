/** The Train tab: pick a model, train it step by step in the page, watch the curves, stop, download the weights. */
import * as ck from '../../src/index.js';
import { $, app, yieldToBrowser } from './app.js';
import { drawChart } from './chart.js';
import type { PlatformInfo } from './platform.js';
import { modelNamed, MODELS, Trainer, type TrainerLike } from './trainer.js';
import { WorkerTrainer } from './worker-trainer.js';

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

async function offerDownload(trainer: TrainerLike): Promise<void> {
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

/**
 * On wasm the steps run in the training worker, where the kernels' threads can wait as they do in Node (see
 * train-worker.ts); on the other backends (webgpu, whose work is on the GPU anyway) they run on this thread.
 */
async function newTrainer(backend: string, batch: number, optimizer: 'adam' | 'sgd'): Promise<{ trainer: TrainerLike; where: string }> {
  const name = modelNamed($<HTMLSelectElement>('model').value);
  const threads = (n: number): string => `${n} thread${n === 1 ? '' : 's'}`;
  // `?main-thread` keeps the steps on the page's thread, to compare (web/measure-speed.ts)
  const here = new URLSearchParams(location.search).has('main-thread');
  if (backend === 'wasm' && typeof Worker !== 'undefined' && !here) {
    const trainer = await WorkerTrainer.start(name, app.train!, app.test!, batch, optimizer);
    return { trainer, where: `wasm, ${threads(trainer.threads)} in a worker` };
  }
  return { trainer: new Trainer(name, app.train!, batch, optimizer), where: backend === 'wasm' ? `wasm, ${threads(ck.getNumThreads())}` : backend };
}

let running: TrainerLike | null = null;

/** Brings the page's copy of the model up to date (a worker's weights), then tells the other tabs. */
async function progress(trainer: TrainerLike): Promise<void> {
  if (trainer instanceof WorkerTrainer) await trainer.sync();
  for (const f of app.onProgress) await f();
}

async function run(): Promise<void> {
  if (!app.train || !app.test) throw new Error('playground: the data has not loaded yet');
  // the model, its data and everything the other tabs compute with it live on the chosen backend
  const backend = $<HTMLSelectElement>('backend').value;
  ck.setBackend(backend);
  const batch = Number($<HTMLInputElement>('batch').value);
  const epochs = Number($<HTMLInputElement>('epochs').value);
  const optimizer = $<HTMLSelectElement>('optimizer').value === 'sgd' ? 'sgd' : 'adam';
  if (running instanceof WorkerTrainer) running.close();
  // a fresh history before the first await, so whoever reads it after clicking Start sees this run's
  app.history = { losses: [], tests: [], imagesPerSecond: 0 };
  batchAccuracy = [];
  stopRequested = false;
  const { trainer, where } = await newTrainer(backend, batch, optimizer);
  running = trainer;
  app.trainer = trainer;
  const log = $('train-log');
  log.textContent = `${MODELS[trainer.name].label}: training on ${where}…`;
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
      await progress(trainer);
    }
    if (trainer.steps % 5 === 0) {
      const last = app.history.tests.at(-1);
      log.textContent = `${MODELS[trainer.name].label} · epoch ${trainer.epoch + 1}/${epochs} · step ${trainer.steps} · loss ${mean(app.history.losses.slice(-10)).toFixed(3)}`
        + ` · batch accuracy ${(100 * mean(batchAccuracy.slice(-10))).toFixed(1)}%`
        + (last ? ` · test accuracy ${(100 * last.accuracy).toFixed(1)}% (first ${EVAL_IMAGES})` : '')
        + ` · ${Math.round(app.history.imagesPerSecond)} img/s on ${where}`;
      drawCharts();
    }
    await yieldToBrowser();
  }
  const final = await trainer.evaluate(app.test);
  app.history.tests.push({ step: trainer.steps, ...final });
  drawCharts();
  log.textContent += ` · ${stopRequested ? 'stopped' : 'done'}: test accuracy ${(100 * final.accuracy).toFixed(2)}% on all ${app.test.count} test images`;
  if (trainer instanceof WorkerTrainer) await trainer.sync();
  await offerDownload(trainer);
  log.dataset.done = 'true';
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
