"""Shared helpers for the fixture generators: tensors as {shape, dtype, data} with float32 values written
as their shortest repr (so the JSON stays small and reads back to the same float32)."""
import json
import math
import os

import numpy as np
import torch

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')
DTYPES = {torch.float32: 'float32', torch.float64: 'float64', torch.int32: 'int32', torch.int64: 'int32', torch.bool: 'bool'}


def _num(v, dtype):
    if isinstance(v, bool):
        return int(v)
    if dtype == torch.float32:
        v = float(repr(np.float32(v)))
    if isinstance(v, float) and not math.isfinite(v):
        return str(v).replace('inf', 'Infinity').replace('nan', 'NaN')
    return v


def spec(t):
    """A tensor as the tests read it (int64 becomes int32, convkit's index type)."""
    t = t.detach()
    return {'shape': list(t.shape), 'dtype': DTYPES[t.dtype], 'data': [_num(v, t.dtype) for v in t.reshape(-1).tolist()]}


def state_spec(module):
    return {k: spec(v) for k, v in module.state_dict().items()}


def save(name, obj):
    path = os.path.join(FIXTURES, name + '.json')
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
    print(f'wrote {path} ({os.path.getsize(path) // 1024} KiB)')
