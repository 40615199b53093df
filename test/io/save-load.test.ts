/** torch.save/torch.load's spellings: ck.save(stateDict or model, path), ck.load(path); PyTorch pickles refused. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ck from '../../src/node.js';

test('ck.save(model.stateDict(), path) and ck.load(path) round-trip, as torch.save/torch.load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-save-'));
  try {
    ck.manualSeed(0);
    const model = new ck.nn.Sequential(new ck.nn.Conv2d(1, 2, 3), new ck.nn.BatchNorm2d(2));
    ck.save(model.stateDict(), join(dir, 'a.safetensors'));
    ck.save(model, join(dir, 'b.safetensors'));
    const a = ck.load(join(dir, 'a.safetensors'));
    const b = ck.load(join(dir, 'b.safetensors'));
    assert.deepEqual(Object.keys(a), Object.keys(model.stateDict()));
    for (const [k, t] of Object.entries(model.stateDict())) {
      assert.deepEqual(Array.from(a[k].dataSync()), Array.from(t.dataSync()), k);
      assert.deepEqual(Array.from(b[k].dataSync()), Array.from(t.dataSync()), k);
    }
    const fresh = new ck.nn.Sequential(new ck.nn.Conv2d(1, 2, 3), new ck.nn.BatchNorm2d(2));
    fresh.loadStateDict(ck.load(join(dir, 'a.safetensors')));
    assert.deepEqual(Array.from((fresh.at(0) as ck.nn.Conv2d).weight.dataSync()), Array.from((model.at(0) as ck.nn.Conv2d).weight.dataSync()));
    // the older spelling still loads into a model
    assert.deepEqual(ck.load(fresh, join(dir, 'b.safetensors')), { missingKeys: [], unexpectedKeys: [] });
    assert.throws(() => ck.save(model, join(dir, 'c.safetensors'), { metadat: {} } as never), /save: unknown option 'metadat' \(did you mean 'metadata'\?\)/);
    assert.throws(() => ck.save('weights' as never, join(dir, 'c.safetensors')), /save: expected obj to be a Module or a state dict/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a PyTorch .pt pickle gets the line of Python that saves safetensors instead', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-pt-'));
  try {
    // torch.save's zip archive (PyTorch >= 1.6) and the legacy pickle stream (protocol 2)
    writeFileSync(join(dir, 'model.pt'), Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    writeFileSync(join(dir, 'old.pth'), Uint8Array.from([0x80, 0x02, 0x8a, 0x0a]));
    for (const f of ['model.pt', 'old.pth']) {
      assert.throws(
        () => ck.load(join(dir, f)),
        /is a PyTorch pickle .* Save the weights as safetensors in PyTorch instead: from safetensors\.torch import save_file; save_file\(model\.state_dict\(\), "model\.safetensors"\)/,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
