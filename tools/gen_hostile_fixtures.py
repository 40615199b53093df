"""Writes test/fixtures/hostile.json: the independent answers the hostile-input tests compare against.

- safetensors files whose tensor names are JavaScript prototype names (`__proto__`, `constructor`...),
  written per the spec by tools/safetensors_io.py from torch tensors, with the values torch reads back;
- PNG files PIL writes in every mode it has (1, L, LA, P, RGB, RGBA, I;16, a noise image large enough for
  several IDAT chunks), with the RGB pixels PIL decodes them to (`Image.open(f).convert('RGB')`), so the
  header validation in src/data/node/png-check.ts is shown to accept what a real encoder writes;
- JPEG files PIL (libjpeg) writes, baseline and progressive, with the RGB pixels PIL decodes them to;
- PIL's decompression-bomb limit (2 x Image.MAX_IMAGE_PIXELS), which convkit's default pixel limit copies.

Run: /usr/bin/python3 tools/gen_hostile_fixtures.py
"""
import base64
import io
import json
import os

import numpy as np
import torch
from PIL import Image

from safetensors_io import dumps, loads

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'hostile.json')
b64 = lambda b: base64.b64encode(b).decode('ascii')


def prototype_names():
    tensors = {
        '__proto__': torch.tensor([1.5, -2.0]),
        'constructor': torch.tensor([3.0]),
        'toString': torch.tensor([[4.0, 5.0]]),
        'layer.__proto__.weight': torch.tensor([6.0, 7.0, 8.0]),
        'hasOwnProperty': torch.tensor([9], dtype=torch.int32),
    }
    data = dumps(tensors)
    back = loads(data)
    return {'base64': b64(data), 'tensors': {k: {'shape': list(v.shape), 'data': v.flatten().tolist()} for k, v in back.items()}}


def png_cases():
    rng = np.random.default_rng(16)
    grad = np.arange(12 * 10, dtype=np.uint8).reshape(10, 12) * 2
    images = {
        'mode-1': Image.fromarray(grad > 100).convert('1'),
        'mode-L': Image.fromarray(grad, 'L'),
        'mode-LA': Image.fromarray(np.stack([grad, 255 - grad], -1), 'LA'),
        'mode-P': Image.fromarray(np.stack([grad, grad // 2, 255 - grad], -1), 'RGB').convert('P', palette=Image.ADAPTIVE, colors=7),
        'mode-RGB': Image.fromarray(np.stack([grad, grad // 2, 255 - grad], -1), 'RGB'),
        'mode-RGBA': Image.fromarray(np.stack([grad, grad // 2, 255 - grad, grad // 3], -1), 'RGBA'),
        'mode-I16': Image.fromarray((grad.astype(np.uint16) * 257), 'I;16'),
        'noise-multi-idat': Image.fromarray(rng.integers(0, 256, (160, 170, 3), dtype=np.uint8), 'RGB'),
    }
    out = {}
    for name, img in images.items():
        buf = io.BytesIO()
        img.save(buf, format='PNG')
        data = buf.getvalue()
        rgb = np.asarray(Image.open(io.BytesIO(data)).convert('RGB'))
        out[name] = {'png': b64(data), 'height': rgb.shape[0], 'width': rgb.shape[1], 'rgb': b64(rgb.tobytes())}
    return out


def jpeg_cases():
    """JPEGs as libjpeg (PIL) writes them, baseline and progressive, grey and colour, with PIL's RGB decode."""
    rng = np.random.default_rng(17)
    base = (np.add.outer(np.arange(40), np.arange(56)) * 3 % 256).astype(np.uint8)
    rgb = Image.fromarray(np.stack([base, base[::-1], (base // 2 + rng.integers(0, 40, base.shape)).astype(np.uint8)], -1), 'RGB')
    out = {}
    for name, img, opts in [
        ('baseline-420', rgb, {'quality': 90}),
        ('progressive-420', rgb, {'quality': 90, 'progressive': True}),
        ('progressive-444', rgb, {'quality': 95, 'progressive': True, 'subsampling': 0}),
        ('progressive-grey', rgb.convert('L'), {'quality': 90, 'progressive': True}),
    ]:
        buf = io.BytesIO()
        img.save(buf, format='JPEG', **opts)
        data = buf.getvalue()
        dec = np.asarray(Image.open(io.BytesIO(data)).convert('RGB'))
        out[name] = {'jpeg': b64(data), 'height': dec.shape[0], 'width': dec.shape[1], 'rgb': b64(dec.tobytes())}
    return out


def main():
    fixture = {
        'safetensorsPrototypeNames': prototype_names(),
        'png': png_cases(),
        'jpeg': jpeg_cases(),
        'pilMaxPixels': 2 * Image.MAX_IMAGE_PIXELS,
    }
    with open(OUT, 'w') as f:
        json.dump(fixture, f)
        f.write('\n')


if __name__ == '__main__':
    main()
