import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ck from '../../src/node.js';
import { Module } from '../../src/nn/module.js';
import { Parameter } from '../../src/nn/parameter.js';
import { assertClose } from '../helpers/index.js';

class Tiny extends Module {
  weight = new Parameter(ck.randn([2, 3]));
  constructor() {
    super();
    this.registerBuffer('count', ck.tensor([4], { dtype: 'int32' }));
  }
  forward(x: ck.Tensor): ck.Tensor {
    return x;
  }
}

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-io-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('save writes a safetensors file atomically and load restores the model from it', () => {
  withDir((dir) => {
    const path = join(dir, 'tiny.safetensors');
    const a = new Tiny();
    writeFileSync(path, 'an older file that the save replaces');
    ck.save(a, path, { metadata: { epoch: '3' } });
    assert.deepEqual(readdirSync(dir), ['tiny.safetensors'], 'no temporary file is left behind');
    assert.deepEqual(ck.io.readSafetensorsHeader(readFileSync(path)).metadata, { epoch: '3' });
    const b = new Tiny();
    ck.noGrad(() => b.getBuffer('count')!.fill_(0));
    assert.deepEqual(ck.load(b, path), { missingKeys: [], unexpectedKeys: [] });
    assertClose(b.weight, a.weight, { rtol: 0, atol: 0 }, 'weight');
    assert.deepEqual(b.getBuffer('count')!.toArray(), [4]);
  });
});

test('io.loadSafetensors accepts a path in Node; saveSafetensorsFile writes one', () => {
  withDir((dir) => {
    const path = join(dir, 'sd.safetensors');
    const sd = { x: ck.tensor([1.5, -2]) };
    ck.io.saveSafetensorsFile(path, sd);
    assertClose(ck.io.loadSafetensors(path).x, sd.x, { rtol: 0, atol: 0 });
  });
});

test('load leaves the model untouched when the file is truncated or does not fit', () => {
  withDir((dir) => {
    const path = join(dir, 'tiny.safetensors');
    ck.save(new Tiny(), path);
    const model = new Tiny();
    const before = model.weight.toArray();
    writeFileSync(path, readFileSync(path).subarray(0, -5));
    assert.throws(() => ck.load(model, path), /loadSafetensors: .*tiny\.safetensors: truncated file/);
    ck.io.saveSafetensorsFile(path, { weight: ck.zeros([3, 2]), extra: ck.zeros([1]) });
    assert.throws(() => ck.load(model, path), /size mismatch for weight: expected \[2,3\], got \[3,2\].*missing keys: count.*unexpected keys: extra/);
    assert.deepEqual(model.weight.toArray(), before);
  });
});

test('a save that fails at the rename leaves no temporary file and the target as it was', () => {
  withDir((dir) => {
    // the target is a directory, so the bytes are written to the temporary file and the rename fails
    const path = join(dir, 'tiny.safetensors');
    mkdirSync(path);
    writeFileSync(join(path, 'keep'), 'x');
    assert.throws(() => ck.save(new Tiny(), path), /EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    assert.deepEqual(readdirSync(dir), ['tiny.safetensors']);
    assert.deepEqual(readdirSync(path), ['keep']);
  });
});
