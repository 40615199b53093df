#!/usr/bin/env python3
"""Golden values for the activation gradients (threshold_backward & co.), computed by PyTorch.

For relu, leaky_relu (slope 0.1), sigmoid and tanh on a float32 input with exact zeros and a NaN, and an output
gradient with an infinity where relu's output is 0: the output, the input gradient, and the double backward
(the gradients of sum(v * dx) with respect to the output gradient and the input).
Writes test/fixtures/activation_backward.json. Run: /usr/bin/python3 tools/gen_activation_fixtures.py
"""
import torch
import torch.nn.functional as F

from fixtures import save, spec

torch.manual_seed(0)
ACTIVATIONS = {
    'relu': F.relu,
    'leakyRelu': lambda x: F.leaky_relu(x, 0.1),
    'sigmoid': torch.sigmoid,
    'tanh': torch.tanh,
}


def case(name, fn):
    x = torch.empty(4, 9).uniform_(-3, 3)
    x[0, :3] = 0.0
    x[1, 2] = float('nan')
    g = torch.randn(4, 9)
    g[2, :] = 0.0
    g[3, 1] = float('inf') if x[3, 1] <= 0 else -float('inf')
    x[3, 1] = -1.0  # relu output 0 there: PyTorch's gradient is 0, not inf * 0
    x.requires_grad_(True)
    g.requires_grad_(True)
    y = fn(x)
    (dx,) = torch.autograd.grad(y, x, g, create_graph=True)
    v = torch.randn(4, 9)
    gg, gx = torch.autograd.grad(dx, (g, x), v, allow_unused=True)
    gx = torch.zeros_like(x) if gx is None else gx
    return {'op': name, 'x': spec(x), 'grad': spec(g), 'v': spec(v), 'out': spec(y), 'dx': spec(dx), 'ddGrad': spec(gg), 'ddX': spec(gx)}


save('activation_backward', {'cases': [case(n, f) for n, f in ACTIVATIONS.items()]})
