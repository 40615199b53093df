#!/usr/bin/env python3
"""The conformance fixtures: every golden case `conformance(device)` (test/conformance/suite.ts) runs, in one
record shape, computed by PyTorch 1.13. Run: /usr/bin/python3 tools/gen_conformance.py

Writes test/fixtures/conformance/<family>.json = {generator, torch, cases: [record, ...]}; a record is

    {name, op, inputs, attributes, outputs, gradOutputs?, gradients?, tolerance, gradientTolerance?, layouts?, finiteDifferences?}

- inputs, outputs, gradOutputs, gradients: tensors {shape, dtype, data} (null where there is none);
- op names what runs: a core op ('add', the table in test/conformance/op-table.ts), 'F.<fn>' (nn.functional),
  'nn.<Module>', 'optim.<Optimizer>' or 'train.sequential' (see the family generators for their attributes);
- gradOutputs[i] seeds the backward pass from outputs[i]; gradients[i] is then the gradient of inputs[i];
- attributes hold everything that is not a tensor; {"input": k} inside them stands for inputs[k].
"""
import json
import os
import warnings

import torch

import gen_conformance_core
import gen_conformance_conv
import gen_conformance_nn
import gen_conformance_train

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'conformance')


def write(family, cases):
    path = os.path.join(OUT, f'{family}.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'tools/gen_conformance.py', 'torch': torch.__version__, 'cases': cases}, f, separators=(',', ':'))
    print(f'{os.path.relpath(path)}: {len(cases)} cases, {os.path.getsize(path) // 1024} KiB')


if __name__ == '__main__':
    warnings.filterwarnings('ignore', message='reduction: .mean.')  # kl_div's notice about its own future default
    os.makedirs(OUT, exist_ok=True)
    write('core', gen_conformance_core.cases())
    write('conv', gen_conformance_conv.cases())
    write('layers', gen_conformance_nn.layers())
    write('losses', gen_conformance_nn.losses())
    write('optim', gen_conformance_train.optimizers())
    write('training', gen_conformance_train.trajectories())
