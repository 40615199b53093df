/**
 * Issue 13 item 4's tensor ops against PyTorch (test/fixtures/ops_more.json from tools/gen_ops_more_fixtures.py):
 * forward values and the gradients of every floating input, on the reference and the wasm backends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertClose, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';

const F = ck.nn.functional;
type T = ck.Tensor;

interface OpCase {
  name: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  gradOutputs: TensorSpec[];
  inputGrads: (TensorSpec | null)[];
}

const int = (values: number[] | number[][]): T => ck.tensor(values, { dtype: 'int32' });
const bool = (values: boolean[] | boolean[][]): T => ck.tensor(values, { dtype: 'bool' });

/** The convkit transcription of each PyTorch call in the generator (the masks are rebuilt from the input). */
const OPS: Record<string, (...xs: T[]) => T | readonly T[]> = {
  sort: (x) => ck.sort(x),
  'sort(0, descending)': (x) => ck.sort(x, 0, true),
  'sort(1) 3d': (x) => x.sort(1),
  'sort stable ties': (x) => ck.sort(x, { dim: 1, stable: true }),
  'sort stable ties descending': (x) => x.sort({ dim: 1, descending: true, stable: true }),
  argsort: (x) => ck.argsort(x, 1, true),
  'topk(2)': (x) => ck.topk(x, 2),
  'topk(2, 0, largest=False)': (x) => x.topk(2, 0, false),
  'topk(3, 2) 3d': (x) => x.topk(3, { dim: 2 }),
  unique: (x) => ck.unique(x, { returnInverse: true, returnCounts: true }) as T[],
  'unique dim 0': (x) => ck.unique(x, true, true, true, 0) as T[],
  'unique dim 1': (x) => ck.unique(x, { dim: 1 }) as T,
  'maskedFill scalar': (x) => x.maskedFill(x.detach().gt(0), -2.5),
  'maskedFill broadcast row mask': (x) => ck.maskedFill(x, bool([true, false, true]), 0),
  'maskedFill tensor value': (x, v) => x.maskedFill(x.detach().gt(0), v),
  'scatter src': (x, s) => ck.scatter(x, 1, int([[2, 0], [1, 2], [0, 1], [2, 1]]), s),
  'scatter dim0': (x, s) => x.scatter(0, int([[3, 0, 1], [1, 2, 0]]), s),
  'scatter value': (x) => x.scatter(1, int([[0], [2], [1], [0]]), 7),
  'scatter_ reduce add': (x) => x.clone().scatter_(1, int([[0, 0], [2, 1], [1, 1], [0, 2]]), 1.5, 'add'),
  'einsum ij,jk->ik': (x, y) => ck.einsum('ij,jk->ik', x, y),
  'einsum bij,bjk->bik': (x, y) => ck.einsum('bij,bjk->bik', [x, y]),
  'einsum ii->i': (x) => ck.einsum('ii->i', x),
  'einsum ii': (x) => ck.einsum('ii', x),
  'einsum ij->ji': (x) => ck.einsum('ij->ji', x),
  'einsum i,i->': (x, y) => ck.einsum('i,i->', x, y),
  'einsum i,j->ij': (x, y) => ck.einsum('i,j->ij', x, y),
  'einsum ...ij,...jk->...ik broadcast': (x, y) => ck.einsum('...ij,...jk->...ik', x, y),
  'einsum bhwc,co->bhwo': (x, y) => ck.einsum('bhwc,co->bhwo', x, y),
  'einsum ijk,ikl,ilm->ijm': (x, y, z) => ck.einsum('ijk,ikl,ilm->ijm', x, y, z),
  'einsum ij->': (x) => ck.einsum('ij->', x),
  'einsum implicit ij,jk': (x, y) => ck.einsum('ij,jk', x, y),
  'einsum bij->j with sum': (x) => ck.einsum('bij->j', x),
  'repeat(2,1,3)': (x) => x.repeat(2, 1, 3),
  'repeat(2,2)': (x) => ck.repeat(x, [2, 2]),
  'flip([0,2])': (x) => ck.flip(x, [0, 2]),
  'flip(-1)': (x) => x.flip(-1),
  'roll(2, 1)': (x) => x.roll(2, 1),
  'roll(3) flat': (x) => ck.roll(x, 3),
  'roll((1,-2),(0,1))': (x) => x.roll([1, -2], [0, 1]),
  norm: (x) => ck.norm(x),
  'norm(1, 1)': (x) => x.norm(1, 1),
  'norm(3, (0,1), keepdim)': (x) => ck.norm(x, 3, [0, 1], true),
  'norm(inf, 1)': (x) => x.norm(Infinity, 1),
  'norm(2, 1) zero row': (x) => x.norm(2, 1),
  'norm(0)': (x) => x.norm(0),
  'x.norm(dim=0)': (x) => x.norm({ dim: 0 }),
  'cumsum(0)': (x) => x.cumsum(0),
  'cumsum(1)': (x) => ck.cumsum(x, 1),
  'cumsum int': (x) => x.cumsum(0),
  nonzero: (x) => ck.nonzero(x) as T,
  'nonzero asTuple': (x) => x.nonzero({ asTuple: true }) as T[],
  oneHot: (x) => F.oneHot(x, 5),
  'oneHot inferred 2d': (x) => F.oneHot(x),
  normalize: (x) => F.normalize(x),
  'normalize(p=1, dim=0)': (x) => F.normalize(x, { p: 1, dim: 0 }),
  mm: (x, y) => x.mm(y),
  bmm: (x, y) => ck.bmm(x, y),
  T: (x) => x.T,
  mT: (x) => x.mT,
  'index int tensor': (x) => x.index(int([2, 0, 2, 1])),
  'index negative': (x) => x.index(int([-1, 0])),
  'index [:, idx2d]': (x) => x.index(null, int([[0, 3], [1, 1]])),
  'index bool mask': (x) => x.index(x.detach().gt(0)),
  'index bool mask leading dims': (x) => x.index(bool([[true, false, true], [false, true, false]])),
  'index idx,:,idx non-adjacent': (x) => x.index(int([0, 1, 1]), null, int([2, 0, 3])),
  'index ...,idx': (x) => x.index('...', int([1, 0])),
  'index 0,:,idx': (x) => x.index(0, null, int([1, 3, 3])),
  'index :,idx,idx adjacent': (x) => x.index(null, int([0, 2]), int([1, 3])),
  maskedSelect: (x) => ck.maskedSelect(x, x.detach().gt(0)),
  'indexPut mask scalar': (x) => x.indexPut([x.detach().gt(0)], 0),
  'indexPut mask values': (x, v) => ck.indexPut(x, [x.detach().gt(0)], v),
  'indexPut idx rows': (x, v) => x.indexPut([int([1, 3])], v),
  'indexPut accumulate': (x, v) => x.indexPut([int([1, 1, 0])], v, true),
};

const { cases } = loadFixture<{ cases: OpCase[] }>('ops_more');

for (const backend of ['reference', 'wasm']) {
  test(`every op case has a transcription (${backend})`, () => {
    assert.deepEqual(cases.map((c) => c.name).filter((n) => !(n in OPS)), []);
  });
  for (const c of cases) {
    test(`${c.name} matches PyTorch, forward and gradient (${backend})`, () => ck.withBackend(backend, () => {
      const xs = c.inputs.map((s) => fromSpec(s, { requiresGrad: s.dtype.startsWith('float') && c.gradOutputs.length > 0 }));
      const out = OPS[c.name](...xs);
      const outs = Array.isArray(out) ? out : [out];
      assert.equal(outs.length, c.outputs.length, 'number of outputs');
      outs.forEach((o, i) => {
        assert.equal(o.dtype, c.outputs[i].dtype, `output ${i} dtype`);
        assertClose(o, c.outputs[i], { rtol: 1e-5, atol: 1e-5 }, `output ${i}`);
      });
      if (c.gradOutputs.length === 0) return;
      const diff = outs.filter((o) => o.requiresGrad);
      assert.equal(diff.length, c.gradOutputs.length, 'differentiable outputs');
      const loss = diff.reduce((acc: T | null, o, i) => {
        const term = o.mul(fromSpec(c.gradOutputs[i])).sum();
        return acc ? acc.add(term) : term;
      }, null)!;
      loss.backward();
      xs.forEach((x, i) => {
        const expected = c.inputGrads[i];
        if (expected) assertClose(x.grad ?? ck.zerosLike(x), expected, { rtol: 1e-4, atol: 1e-5 }, `gradient of input ${i}`);
      });
    }));
  }
}
