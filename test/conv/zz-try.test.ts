import { test } from 'node:test';
import * as ck from '/work/wt-conv/src/index.js';
import { BACKENDS, checkCase, fixtureCases } from '/work/wt-conv/test/conv/support.js';
for (const file of ['conv', 'conv-transpose', 'conv-pool', 'conv-adaptive-pool', 'conv-pad', 'conv-fold', 'conv-lrn']) {
  for (const be of BACKENDS) for (const dtype of ['float32', 'float64'] as const) {
    test(`${file} ${be} ${dtype}`, () => {
      const errs: string[] = [];
      ck.withBackend(be, () => { for (const c of fixtureCases(file)) { try { checkCase(c, dtype); } catch (e) { errs.push((e as Error).message.split('\n')[0]); } } });
      if (errs.length) throw new Error(errs.length + ' failures\n' + errs.slice(0, 8).join('\n'));
    });
  }
}
