/**
 * WebAssembly's SIMD peak on this machine: independent f32x4 multiply-add chains in a loop, as a fused
 * relaxed-SIMD FMA (where the runtime has it) and as the plain SIMD multiply then add that every runtime has.
 * Run on 1 thread and on several at once (worker threads), GFLOP/s.
 */
import { Worker } from 'node:worker_threads';
import wabtInit from 'wabt';
import { madd } from '../../tools/wasm/wat/gemm.js';

const CHAINS = 12;
const ITERS = 20_000_000;

async function peakModule(fma: boolean): Promise<Uint8Array<ArrayBuffer>> {
  const r = Array.from({ length: CHAINS }, (_, i) => i);
  const wat = `(module (func (export "peak") (param $n i32) (result f32)
    (local $x v128) (local $y v128) ${r.map((i) => `(local $a${i} v128)`).join(' ')}
    (local.set $x (f32x4.splat (f32.const 0.999))) (local.set $y (f32x4.splat (f32.const 0.001)))
    (loop $l
      ${r.map((i) => `(local.set $a${i} ${madd(fma, '(local.get $x)', `(local.get $a${i})`, '(local.get $y)')})`).join('\n')}
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (f32x4.extract_lane 0 ${r.slice(1).reduce((s, i) => `(f32x4.add ${s} (local.get $a${i}))`, '(local.get $a0)')})))`;
  const wabt = await wabtInit();
  const features = { simd: true, relaxed_simd: true };
  const mod = wabt.parseWat('peak.wat', wat, features);
  return new Uint8Array(mod.toBinary({}).buffer);
}

const RUN = `
const { workerData, parentPort } = require('node:worker_threads');
const peak = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes), {}).exports.peak;
peak(1000000);
const start = performance.timeOrigin + performance.now();
peak(workerData.iters);
parentPort.postMessage([start, performance.timeOrigin + performance.now()]);`;

/** GFLOP/s of `threads` threads running the loop at once; null where the runtime lacks the instructions. */
export async function wasmPeak(fma: boolean, threads: number): Promise<number | null> {
  const bytes = await peakModule(fma);
  if (!WebAssembly.validate(bytes)) return null;
  const spans = await Promise.all(
    Array.from({ length: threads }, () => new Promise<[number, number]>((resolve, reject) => {
      const w = new Worker(RUN, { eval: true, workerData: { bytes, iters: ITERS }, execArgv: [] });
      w.once('message', resolve).once('error', reject);
    })),
  );
  // all threads' work over the wall time from the first start to the last end: threads that did not overlap
  // (a busy machine) count as what they were, not as a sum of rates
  const wall = Math.max(...spans.map((s) => s[1])) - Math.min(...spans.map((s) => s[0]));
  return (threads * ITERS * CHAINS * 8) / wall / 1e6; // 4 lanes × (multiply + add) per chain per iteration
}
