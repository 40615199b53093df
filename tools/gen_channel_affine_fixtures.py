"""Writes test/fixtures/channel_affine.json: relu?(x * scale[c] + shift[c] + residual) over [N, C, ...] as
PyTorch computes it op by op (what convkit's fused channelAffine must equal), with the gradients of
sum(y * gy) for a fixed random gy. Run: /usr/bin/python3 tools/gen_channel_affine_fixtures.py"""
import torch

from fixtures import save, spec

torch.manual_seed(7)


def case(name, shape, shift, residual, relu):
    c = shape[1]
    per = [1, c] + [1] * (len(shape) - 2)
    x = torch.randn(shape, requires_grad=True)
    scale = torch.randn(c, requires_grad=True)
    t = torch.randn(c, requires_grad=True) if shift else None
    r = torch.randn(shape, requires_grad=True) if residual else None
    y = x * scale.reshape(per)
    if t is not None:
        y = y + t.reshape(per)
    if r is not None:
        y = y + r
    if relu:
        y = torch.relu(y)
    gy = torch.randn(shape)
    leaves = [v for v in (x, scale, t, r) if v is not None]
    grads = torch.autograd.grad((y * gy).sum(), leaves)
    out = {'name': name, 'relu': relu, 'x': spec(x), 'scale': spec(scale), 'y': spec(y), 'gy': spec(gy),
           'dx': spec(grads[0]), 'dscale': spec(grads[1])}
    if t is not None:
        out['shift'], out['dshift'] = spec(t), spec(grads[2])
    if r is not None:
        out['residual'], out['dresidual'] = spec(r), spec(grads[-1])
    return out


save('channel_affine', {
    'generator': 'tools/gen_channel_affine_fixtures.py',
    'torch': torch.__version__,
    'cases': [
        case('scale and shift (BatchNorm eval)', [2, 3, 5, 7], True, False, False),
        case('scale only, relu, 3-D input', [3, 4, 6], False, False, True),
        case('shift, residual, relu (a ResNet block end)', [2, 3, 4, 5], True, True, True),
        # 4495 elements, past the wasm kernel's 4096 threshold; rows of 899 leave a 3-element tail
        case('wasm sized, rows of 899', [1, 5, 29, 31], True, True, True),
        case('[N, C] input (BatchNorm1d), wasm sized', [700, 7], True, False, True),
    ],
})
