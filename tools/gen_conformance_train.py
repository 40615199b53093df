"""Optimiser-step and training-trajectory conformance cases, for tools/gen_conformance.py.

Optimisers: op 'optim.<Optimizer>', attributes {options, params, steps}: inputs are the `params` parameters,
then each step's gradients (params tensors per step); convkit sets those gradients and calls step(); outputs
are the parameters after each step.

Training: op 'train.sequential', attributes {layers, optimizer, options, steps, state}: `layers` build an
nn.Sequential ({module, args, options} each), its state dict is inputs[2:] (named by `state`), and each step
is zeroGrad, crossEntropy(model(inputs[0]), inputs[1]), backward, step. outputs: the losses of every step,
then the state after the last."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from gen_conformance_nn import snake
from gen_conformance_record import record

OPTIMIZERS = [
    ('SGD', 'SGD', {'lr': 0.1}),
    ('SGD momentum', 'SGD', {'lr': 0.1, 'momentum': 0.9}),
    ('SGD nesterov weightDecay', 'SGD', {'lr': 0.1, 'momentum': 0.9, 'nesterov': True, 'weightDecay': 0.01}),
    ('SGD dampening weightDecay', 'SGD', {'lr': 0.05, 'momentum': 0.8, 'dampening': 0.3, 'weightDecay': 0.1}),
    ('SGD maximize', 'SGD', {'lr': 0.01, 'momentum': 0.5, 'maximize': True}),
    ('Adam', 'Adam', {'lr': 0.01}),
    ('Adam amsgrad weightDecay', 'Adam', {'lr': 0.02, 'amsgrad': True, 'weightDecay': 0.1}),
    ('Adam betas eps', 'Adam', {'lr': 0.01, 'betas': [0.8, 0.9], 'eps': 1e-3}),
    ('Adam maximize weightDecay', 'Adam', {'lr': 0.01, 'weightDecay': 0.1, 'maximize': True}),
    ('AdamW', 'AdamW', {'lr': 0.01}),
    ('AdamW amsgrad', 'AdamW', {'lr': 0.02, 'weightDecay': 0.5, 'amsgrad': True}),
    ('RMSprop', 'RMSprop', {'lr': 0.01}),
    ('RMSprop centered momentum weightDecay', 'RMSprop', {'lr': 0.01, 'alpha': 0.9, 'momentum': 0.9, 'centered': True, 'weightDecay': 0.01}),
    ('Adagrad', 'Adagrad', {'lr': 0.1}),
    ('Adagrad lrDecay weightDecay initial', 'Adagrad', {'lr': 0.1, 'lrDecay': 0.1, 'weightDecay': 0.01, 'initialAccumulatorValue': 0.1}),
]
SHAPES = [(3, 4), (5,)]
STEPS = 4


def optimizer_case(name, optimizer, options):
    params = [torch.randn(*s).requires_grad_(True) for s in SHAPES]
    initial = [p.detach().clone() for p in params]
    opt = getattr(torch.optim, optimizer)(params, **snake(options))
    grads, after = [], []
    for _ in range(STEPS):
        for p in params:
            p.grad = torch.randn(*p.shape)
            grads.append(p.grad.clone())
        opt.step()
        after += [p.detach().clone() for p in params]
    attributes = {'options': options, 'params': len(params), 'steps': STEPS}
    return record(name, f'optim.{optimizer}', initial + grads, after, attributes)


def optimizers():
    torch.manual_seed(0)
    return [optimizer_case(*c) for c in OPTIMIZERS]


# a tiny CNN: every layer kind of a LeNet-style network, BatchNorm's running statistics included. BatchNorm comes
# after the ReLU: right after the conv, the conv bias would get a gradient that is zero up to rounding, which Adam
# blows up to full-size steps of noise
TINY_CNN = [
    {'module': 'Conv2d', 'args': [1, 4, 3], 'options': {'padding': 1}},
    {'module': 'ReLU', 'args': [], 'options': {}},
    {'module': 'BatchNorm2d', 'args': [4], 'options': {}},
    {'module': 'MaxPool2d', 'args': [2], 'options': {}},
    {'module': 'Flatten', 'args': [], 'options': {}},
    {'module': 'Linear', 'args': [36, 3], 'options': {}},
]
TRAJECTORY = {'rtol': 1e-5, 'atol': 1e-5}  # float32; the atol for weights that end near zero after five steps


def trajectory(name, optimizer, options, steps=5):
    model = nn.Sequential(*[getattr(nn, l['module'])(*l['args'], **snake(l['options'])) for l in TINY_CNN])
    state = {k: v.clone() for k, v in model.state_dict().items()}
    x, y = torch.randn(8, 1, 6, 6), torch.randint(0, 3, (8,))
    opt = getattr(torch.optim, optimizer)(model.parameters(), **snake(options))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    attributes = {'layers': TINY_CNN, 'optimizer': optimizer, 'options': options, 'steps': steps, 'state': list(state)}
    return record(name, 'train.sequential', [x, y, *state.values()], [torch.tensor(losses), *model.state_dict().values()],
                  attributes, tolerance=TRAJECTORY)


def trajectories():
    torch.manual_seed(0)
    return [
        trajectory('tiny CNN, SGD momentum', 'SGD', {'lr': 0.1, 'momentum': 0.9}),
        trajectory('tiny CNN, Adam', 'Adam', {'lr': 0.01}),
    ]
