"""The safetensors format written and read by hand (Debian has no `safetensors` package).

Spec (https://github.com/huggingface/safetensors#format): 8-byte little-endian u64 header length N,
N bytes of UTF-8 JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}},
padded with spaces; then the raw little-endian data, offsets relative to the start of the data section.
Like the reference writer, data is laid out widest element type first, then by name.
"""
import json
import struct
import sys

import numpy as np
import torch

assert sys.byteorder == 'little', 'these helpers write native bytes, which must be little-endian'

TORCH_TO_ST = {
    torch.float32: 'F32', torch.float64: 'F64', torch.float16: 'F16', torch.bfloat16: 'BF16',
    torch.int64: 'I64', torch.int32: 'I32', torch.int16: 'I16', torch.int8: 'I8', torch.uint8: 'U8',
    torch.bool: 'BOOL',
}
NUMPY_TO_ST = {np.dtype('uint16'): 'U16', np.dtype('uint32'): 'U32', np.dtype('uint64'): 'U64'}
ST_TO_TORCH = {v: k for k, v in TORCH_TO_ST.items()}
WIDTH = {'BOOL': 1, 'U8': 1, 'I8': 1, 'I16': 2, 'U16': 2, 'F16': 2, 'BF16': 2, 'I32': 4, 'U32': 4, 'F32': 4,
         'F64': 8, 'I64': 8, 'U64': 8}


def tensor_bytes(t):
    """(safetensors dtype, shape, raw bytes) of a torch tensor or a numpy array (for U16/U32/U64)."""
    if isinstance(t, np.ndarray):
        return NUMPY_TO_ST[t.dtype], list(t.shape), np.ascontiguousarray(t).tobytes()
    t = t.detach().cpu().contiguous()
    raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
    return TORCH_TO_ST[t.dtype], list(t.shape), raw


def dumps(tensors, metadata=None):
    """The bytes of a safetensors file holding `tensors` (a dict name -> tensor, in header order)."""
    items = {name: tensor_bytes(t) for name, t in tensors.items()}
    layout = sorted(items, key=lambda n: (-WIDTH[items[n][0]], n))
    header, offset = ({'__metadata__': metadata} if metadata else {}), 0
    offsets = {}
    for name in layout:
        offsets[name] = [offset, offset + len(items[name][2])]
        offset += len(items[name][2])
    for name, (dtype, shape, _) in items.items():
        header[name] = {'dtype': dtype, 'shape': shape, 'data_offsets': offsets[name]}
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-(8 + len(text)) % 8)
    return struct.pack('<Q', len(text)) + text + b''.join(items[n][2] for n in layout)


def loads(data):
    """A dict name -> torch tensor from safetensors bytes (torch dtypes only)."""
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    header.pop('__metadata__', None)
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        begin, end = info['data_offsets']
        dtype = ST_TO_TORCH[info['dtype']]
        raw = bytearray(body[begin:end])
        if dtype == torch.bfloat16:
            t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16) if raw else torch.empty(0, dtype=dtype)
        else:
            t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info['shape'])
    return out


def save_file(tensors, path, metadata=None):
    with open(path, 'wb') as f:
        f.write(dumps(tensors, metadata))


def load_file(path):
    with open(path, 'rb') as f:
        return loads(f.read())
