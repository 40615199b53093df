/**
 * Feature visualisation speed: ck.vis.activationMaximization of one ResNet-18 channel at 128×128, 256 steps,
 * Lucid's defaults (Fourier parameterisation, decorrelation, transforms), ImageNet normalisation.
 *   node --import tsx bench/feature-vis.ts [--layer layer3] [--channel 0] [--size 128] [--steps 256] [--backend wasm]
 * The weights are test/helpers/hash-weights.ts's (no pretrained weights ship): the time does not depend on them.
 * Prints the wall time, the time per step, the process's CPU time (all threads) and the load average. Never part of the test suite.
 */
import { loadavg } from 'node:os';
import * as ck from '../src/node.js';
import { fillHashWeights } from '../test/helpers/hash-weights.js';

const arg = (name: string, fallback: string): string => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const backend = arg('--backend', ck.getBackend());
await ck.ready(backend);
ck.setBackend(backend);
const [layer, channel, size, steps] = [arg('--layer', 'layer3'), Number(arg('--channel', '0')), Number(arg('--size', '128')), Number(arg('--steps', '256'))];
const model = fillHashWeights(ck.models.resnet18());
const before = loadavg()[0];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const r = await ck.vis.activationMaximization(model, { layer, channel, size, steps, seed: 0, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
// CPU time of all the process's threads: what the run costs whatever else the machine is doing
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(`resnet18 ${layer} channel ${channel}, ${size}×${size}, ${steps} steps on ${backend} (${ck.getNumThreads()} threads): ${seconds.toFixed(1)} s (${((seconds / steps) * 1000).toFixed(0)} ms/step), CPU time ${cpuSeconds.toFixed(1)} s; activation ${r.startActivation.toFixed(3)} → ${r.activation.toFixed(3)}; load average ${before.toFixed(1)} → ${loadavg()[0].toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
if (process.argv.includes('--png')) await ck.vis.savePng(r.pixels.select(0, 0), arg('--png', 'feature-vis.png'));
