/**
 * Convolution speed on the reference backend (im2col + GEMM path), against the figures in PEERS.md.
 *   node --import tsx bench/conv.ts [--backend name]
 * Prints the median of a few runs; never part of the test suite.
 */
import * as ck from '../src/index.js';
const F = ck.nn.functional;

const backend = process.argv.includes('--backend') ? process.argv[process.argv.indexOf('--backend') + 1] : 'reference';

function median(runs: number, fn: () => void): number {
  fn(); // warm-up: JIT and allocation
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

function convForward(): void {
  const x = ck.randn([8, 64, 56, 56]);
  const w = ck.randn([64, 64, 3, 3]);
  const ms = median(3, () => void ck.noGrad(() => F.conv2d(x, w, null, { padding: 1 })));
  const gflop = (2 * 8 * 64 * 56 * 56 * 64 * 9) / 1e9;
  console.log(`conv2d fwd [8,64,56,56]x[64,64,3,3] pad 1: ${ms.toFixed(0)} ms (${(gflop / (ms / 1000)).toFixed(2)} GFLOP/s)`);
}

/** LeNet-5's convolutional part (conv 5×5, ReLU, max pool, twice), forward and backward on a batch of 64. */
function lenetConvStep(): void {
  const x = ck.randn([64, 1, 28, 28]);
  const w1 = ck.randn([6, 1, 5, 5], { requiresGrad: true });
  const b1 = ck.zeros([6], { requiresGrad: true });
  const w2 = ck.randn([16, 6, 5, 5], { requiresGrad: true });
  const b2 = ck.zeros([16], { requiresGrad: true });
  const ms = median(5, () => {
    const h = F.maxPool2d(ck.relu(F.conv2d(x, w1, b1, { padding: 2 })), 2);
    const y = F.maxPool2d(ck.relu(F.conv2d(h, w2, b2)), 2);
    ck.sum(y).backward();
  });
  console.log(`LeNet-5 conv layers fwd+bwd, batch 64: ${ms.toFixed(0)} ms (${((64 / ms) * 1000).toFixed(0)} img/s)`);
}

ck.manualSeed(0);
ck.withBackend(backend, () => {
  console.log(`backend: ${backend}`);
  lenetConvStep();
  convForward();
});
