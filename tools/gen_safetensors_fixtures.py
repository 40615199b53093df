"""Writes test/fixtures/safetensors.json: safetensors files written per the spec (tools/safetensors_io.py)
from torch tensors of every dtype, with the values torch reads back, plus corrupt and truncated files.

Run: /usr/bin/python3 tools/gen_safetensors_fixtures.py
"""
import base64
import json
import math
import os
import struct

import numpy as np
import torch

from safetensors_io import dumps

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'safetensors.json')
CONVKIT_DTYPE = {'F32': 'float32', 'F16': 'float32', 'BF16': 'float32', 'F64': 'float64', 'BOOL': 'bool'}


def values(t):
    """Row-major values as JSON can hold them (NaN and infinities as strings JS's Number() reads)."""
    flat = t.flatten().tolist() if isinstance(t, np.ndarray) else t.detach().flatten().double().tolist()
    def js(v):
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, float) and math.isnan(v):
            return 'NaN'
        if isinstance(v, float) and math.isinf(v):
            return 'Infinity' if v > 0 else '-Infinity'
        return v
    return [js(v) for v in flat]


def b64(data):
    return base64.b64encode(data).decode('ascii')


def valid_file():
    torch.manual_seed(0)
    tensors = {
        'conv.weight': torch.randn(2, 1, 2, 2),
        'double': torch.randn(3, dtype=torch.float64),
        'int': torch.tensor([-7, 0, 2147483647, -2147483648], dtype=torch.int32),
        'mask': torch.tensor([True, False, True, True, False]),
        'byte': torch.tensor([0, 128, 255], dtype=torch.uint8),
        'small': torch.tensor([-128, 0, 127], dtype=torch.int8),
        'short': torch.tensor([-32768, 32767], dtype=torch.int16),
        'ushort': np.array([0, 65535], dtype=np.uint16),
        'uint': np.array([0, 2147483647], dtype=np.uint32),
        # normal, negative, largest half, a subnormal, negative zero, infinity, NaN
        'half': torch.tensor([1.0, -2.5, 65504.0, 6e-8, -0.0, math.inf, math.nan], dtype=torch.float16),
        'bf16': torch.tensor([1.0, -3.14159, 1e30, -math.inf], dtype=torch.bfloat16),
        'bn.num_batches_tracked': torch.tensor(7),
        'long': torch.tensor([-5, 0, 2147483647]),
        'ulong': np.array([2147483647], dtype=np.uint64),
        'empty': torch.zeros(0, 3),
    }
    metadata = {'format': 'pt', 'note': 'convkit fixture'}
    expected = {}
    for name, t in tensors.items():
        st = {'float32': 'F32', 'float64': 'F64', 'float16': 'F16', 'bfloat16': 'BF16', 'bool': 'BOOL'}.get(
            str(t.dtype).replace('torch.', ''))
        expected[name] = {'shape': list(t.shape), 'dtype': CONVKIT_DTYPE.get(st, 'int32'), 'data': values(t)}
    return {'base64': b64(dumps(tensors, metadata)), 'metadata': metadata, 'tensors': expected}


def written_file():
    """Tensors of convkit's four dtypes and the bytes the reference layout gives them (convkit must match)."""
    torch.manual_seed(1)
    tensors = {
        'features.0.weight': torch.randn(3, 2),
        'features.0.bias': torch.randn(3, dtype=torch.float64),
        'labels': torch.tensor([3, -1, 0], dtype=torch.int32),
        'mask': torch.tensor([[True, False], [False, True]]),
        'scalar': torch.tensor(2.5),
    }
    metadata = {'format': 'pt'}
    dtype = {torch.float32: 'float32', torch.float64: 'float64', torch.int32: 'int32', torch.bool: 'bool'}
    specs = {n: {'shape': list(t.shape), 'dtype': dtype[t.dtype], 'data': values(t)} for n, t in tensors.items()}
    return {'base64': b64(dumps(tensors, metadata)), 'metadata': metadata, 'tensors': specs}


def raw(header, body=b'', length=None):
    """A file from a header (dict or raw text/bytes) and body, with an optional forged length field."""
    text = header if isinstance(header, bytes) else (header if isinstance(header, str) else json.dumps(header)).encode()
    return struct.pack('<Q', len(text) if length is None else length) + text + body


def corrupt_files():
    good = {'a': {'dtype': 'F32', 'shape': [2], 'data_offsets': [0, 8]},
            'b': {'dtype': 'I64', 'shape': [1], 'data_offsets': [8, 16]}}
    body = struct.pack('<2f', 1.5, -2.0) + struct.pack('<q', 3)
    ok = raw(good, body)
    def with_entry(name, **change):
        return raw({**good, name: {**good[name], **change}}, body)
    return {
        'too-short': ok[:5],
        'truncated-header': ok[:20],
        'truncated-data': ok[:-3],
        'huge-header-length': raw(good, body, length=2 ** 63),
        'length-past-end': raw(good, body, length=len(ok)),
        'bad-json': raw('{"a": {"dtype": "F32", ', body),
        'not-object': raw('[1, 2]', body),
        'bad-utf8': raw(b'{"\xff": 1}', body),
        'unknown-dtype': with_entry('a', dtype='F8_E4M3'),
        'size-mismatch': with_entry('a', shape=[3]),
        'negative-shape': with_entry('a', shape=[-2]),
        'reversed-offsets': with_entry('a', data_offsets=[8, 0]),
        'overlap': raw({**good, 'b': {**good['b'], 'data_offsets': [4, 12]}}, body),
        'gap': raw({**good, 'b': {**good['b'], 'data_offsets': [12, 20]}}, body + b'\0' * 4),
        'trailing-bytes': raw(good, body + b'\0' * 4),
        'bad-metadata': raw({'__metadata__': {'epoch': 3}, **good}, body),
        'not-a-tensor-entry': raw({**good, 'c': [1, 2]}, body),
        'i64-out-of-int32': raw(good, body[:8] + struct.pack('<q', 2 ** 40)),
        'bool-not-0-or-1': raw({'m': {'dtype': 'BOOL', 'shape': [2], 'data_offsets': [0, 2]}}, b'\x01\x02'),
    }


def main():
    fixture = {
        'valid': valid_file(),
        'written': written_file(),
        'corrupt': {name: b64(data) for name, data in corrupt_files().items()},
    }
    with open(OUT, 'w') as f:
        json.dump(fixture, f, indent=1)
        f.write('\n')
    print(f'wrote {OUT} ({os.path.getsize(OUT)} bytes)')


if __name__ == '__main__':
    main()
