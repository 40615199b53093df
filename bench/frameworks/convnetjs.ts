/** ConvNetJS 0.3 (float64, one image at a time): the LeNet-5 training step, the only workload it can run. */
import { createRequire } from 'node:module';
import { loadFashion } from './fashion.js';
import { PEERS, type Framework } from './types.js';

export const convnetjs: Framework = {
  async prepare(workload, threads) {
    if (workload !== 'lenet5-train') return 'ConvNetJS has no batched tensors: only the LeNet-5 training step runs';
    if (threads > 1) return 'ConvNetJS is single-threaded';
    const cnn = createRequire(new URL('package.json', PEERS))('convnetjs');
    const net = new cnn.Net();
    net.makeLayers([
      { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
      { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 2, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'fc', num_neurons: 120, activation: 'relu' },
      { type: 'fc', num_neurons: 84, activation: 'relu' },
      { type: 'softmax', num_classes: 10 },
    ]);
    const trainer = new cnn.Trainer(net, { method: 'sgd', learning_rate: 0.01, momentum: 0.9, batch_size: 64 });
    const data = loadFashion(64 * 20);
    const vols = Array.from({ length: data.n }, (_, i) => {
      const v = new cnn.Vol(28, 28, 1, 0);
      v.w.set(data.images.subarray(i * 784, (i + 1) * 784));
      return v;
    });
    let i = 0;
    return {
      run: () => {
        for (let j = 0; j < 64; j++, i++) trainer.train(vols[i % data.n], data.labels[i % data.n]);
      },
    };
  },
};
