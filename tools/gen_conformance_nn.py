"""nn layer and loss conformance cases, for tools/gen_conformance.py.

Layers: op 'nn.<Module>', attributes {args, options, train, calls, state}: convkit builds
`new nn.<Module>(...args, options)` (options in camelCase; PyTorch got the same in snake_case), loads the state
(inputs[calls:], named by `state`), runs inputs[0..calls-1] through it one after the other (several calls move
BatchNorm's running statistics), then backpropagates gradOutputs from the last output. outputs are each call's
output, then the state after the calls; gradients are the last input's and the parameters'.

Losses: op 'F.<loss>', attributes {options}; inputs [input, target, ...tensors the options refer to as
{"input": k}]; the gradient is the input's."""
import re

import torch
import torch.nn as nn
import torch.nn.functional as F

from gen_conformance_record import backward, record


def snake(options):
    return {re.sub(r'([A-Z])', lambda m: '_' + m.group(1).lower(), k): v for k, v in options.items()}


def layer(name, module, args, options, shapes, train=True, special=None, init=None):
    m = getattr(nn, module)(*args, **snake(options))
    if init:
        init(m)
    m.train(train)
    state = {k: v.clone() for k, v in m.state_dict().items()}
    xs = [torch.randn(*s) * 2 for s in shapes]
    if special:
        xs[-1].view(-1)[:len(special)] = torch.tensor(special)
    outs = [m(x).detach() for x in xs[:-1]]
    last = xs[-1].clone().requires_grad_(True)
    y = m(last)
    g = torch.randn(*y.shape)
    params = dict(m.named_parameters())
    grads = backward(y, [last] + [params.get(k) for k in state], g)
    after = [v for v in m.state_dict().values()]
    n = len(xs)
    attributes = {'args': args, 'options': options, 'train': train, 'calls': n, 'state': list(state)}
    return record(name, f'nn.{module}', xs + list(state.values()), outs + [y] + after, attributes,
                  [None] * (n - 1) + [g] + [None] * len(after), [None] * (n - 1) + grads)


def trained_running_stats(m):
    """Running statistics as after some training, so eval mode normalises with something other than 0 and 1."""
    m.running_mean.uniform_(-1, 1)
    m.running_var.uniform_(0.5, 2)


def layers():
    torch.manual_seed(0)
    kinks = [0.0, 6.0, -1e-3, 25.0, -30.0, 1e-8]
    L = layer
    return [
        L('Linear(5,3)', 'Linear', [5, 3], {}, [(4, 5)]),
        L('Linear(5,3,bias=False) 3d', 'Linear', [5, 3], {'bias': False}, [(2, 3, 5)]),
        L('Conv1d(2,4,3)', 'Conv1d', [2, 4, 3], {}, [(2, 2, 7)]),
        L('Conv2d(3,4,3,stride=2,padding=1)', 'Conv2d', [3, 4, 3], {'stride': 2, 'padding': 1}, [(2, 3, 7, 7)]),
        L('Conv2d unbatched', 'Conv2d', [3, 2, 3], {}, [(3, 5, 5)]),
        L("Conv2d(4,6,3,padding='same',groups=2,dilation=2,bias=False)", 'Conv2d', [4, 6, 3], {'padding': 'same', 'groups': 2, 'dilation': 2, 'bias': False}, [(1, 4, 6, 6)]),
        L("Conv2d(2,3,3,padding=2,paddingMode='reflect')", 'Conv2d', [2, 3, 3], {'padding': 2, 'paddingMode': 'reflect'}, [(2, 2, 5, 5)]),
        L("Conv2d(2,3,[3,2],padding=1,paddingMode='circular')", 'Conv2d', [2, 3, [3, 2]], {'padding': 1, 'paddingMode': 'circular'}, [(1, 2, 4, 5)]),
        L('Conv3d(2,3,2,padding=[0,1,1])', 'Conv3d', [2, 3, 2], {'padding': [0, 1, 1]}, [(1, 2, 3, 4, 4)]),
        L('ConvTranspose2d(4,2,3,stride=2,padding=1,outputPadding=1)', 'ConvTranspose2d', [4, 2, 3], {'stride': 2, 'padding': 1, 'outputPadding': 1}, [(1, 4, 3, 3)]),
        L('BatchNorm1d(5) train, 2 batches', 'BatchNorm1d', [5], {}, [(8, 5), (8, 5)]),
        L('BatchNorm1d(5) eval', 'BatchNorm1d', [5], {}, [(8, 5)], train=False, init=trained_running_stats),
        L('BatchNorm1d(3) 3d input', 'BatchNorm1d', [3], {}, [(4, 3, 5)]),
        L('BatchNorm2d(3) train, 2 batches', 'BatchNorm2d', [3], {}, [(4, 3, 4, 4), (4, 3, 4, 4)]),
        L('BatchNorm2d(3) eval after training', 'BatchNorm2d', [3], {}, [(2, 3, 3, 3)], train=False, init=trained_running_stats),
        L('BatchNorm2d(3,momentum=None) train, 3 batches', 'BatchNorm2d', [3], {'momentum': None}, [(2, 3, 3, 3)] * 3),
        L('BatchNorm2d(3,affine=False)', 'BatchNorm2d', [3], {'affine': False}, [(2, 3, 3, 3)]),
        L('BatchNorm2d(3,trackRunningStats=False) eval', 'BatchNorm2d', [3], {'trackRunningStats': False}, [(2, 3, 3, 3)], train=False),
        L('BatchNorm3d(2,eps=1e-3,momentum=0.3)', 'BatchNorm3d', [2], {'eps': 1e-3, 'momentum': 0.3}, [(2, 2, 2, 3, 3)]),
        L('GroupNorm(2,4)', 'GroupNorm', [2, 4], {}, [(3, 4, 3, 3)]),
        L('GroupNorm(3,6,affine=False)', 'GroupNorm', [3, 6], {'affine': False}, [(2, 6, 5)]),
        L('LayerNorm([3,4])', 'LayerNorm', [[3, 4]], {}, [(2, 5, 3, 4)]),
        L('LayerNorm(6,elementwiseAffine=False)', 'LayerNorm', [6], {'elementwiseAffine': False}, [(4, 6)]),
        L('InstanceNorm2d(3,affine=True)', 'InstanceNorm2d', [3], {'affine': True}, [(2, 3, 4, 4)]),
        L('LocalResponseNorm(3)', 'LocalResponseNorm', [3], {}, [(2, 5, 4, 4)]),
        L('LocalResponseNorm(2,alpha=0.01,beta=0.5,k=2)', 'LocalResponseNorm', [2], {'alpha': 0.01, 'beta': 0.5, 'k': 2.0}, [(2, 4, 6)]),
        L('MaxPool2d(2)', 'MaxPool2d', [2], {}, [(2, 3, 6, 6)]),
        L('MaxPool2d(3,stride=2,padding=1,ceilMode=True)', 'MaxPool2d', [3], {'stride': 2, 'padding': 1, 'ceilMode': True}, [(1, 2, 8, 8)]),
        L('MaxPool1d(3,stride=2)', 'MaxPool1d', [3], {'stride': 2}, [(2, 3, 9)]),
        L('AvgPool2d(3,stride=2,padding=1,ceilMode=True,countIncludePad=False)', 'AvgPool2d', [3], {'stride': 2, 'padding': 1, 'ceilMode': True, 'countIncludePad': False}, [(1, 2, 8, 8)]),
        L('AvgPool2d(2,divisorOverride=3)', 'AvgPool2d', [2], {'divisorOverride': 3}, [(1, 2, 4, 4)]),
        L('AdaptiveAvgPool2d(1)', 'AdaptiveAvgPool2d', [1], {}, [(2, 3, 5, 5)]),
        L('AdaptiveAvgPool2d([3,None])', 'AdaptiveAvgPool2d', [[3, None]], {}, [(1, 2, 7, 5)]),
        L('AdaptiveMaxPool2d([2,3])', 'AdaptiveMaxPool2d', [[2, 3]], {}, [(1, 2, 5, 7)]),
        L('Dropout(0.5) eval', 'Dropout', [0.5], {}, [(4, 6)], train=False),
        L('Dropout(0) train', 'Dropout', [0.0], {}, [(4, 6)]),
        L('Dropout2d(0.3) eval', 'Dropout2d', [0.3], {}, [(2, 3, 2, 2)], train=False),
        L('ReLU', 'ReLU', [], {}, [(4, 6)], special=kinks),
        L('ReLU6', 'ReLU6', [], {}, [(4, 6)], special=kinks),
        L('LeakyReLU(0.2)', 'LeakyReLU', [0.2], {}, [(4, 6)], special=kinks),
        L('ELU(0.5)', 'ELU', [0.5], {}, [(4, 6)], special=kinks),
        L('GELU', 'GELU', [], {}, [(4, 6)], special=kinks),
        L("GELU(approximate='tanh')", 'GELU', [], {'approximate': 'tanh'}, [(4, 6)], special=kinks),
        L('SiLU', 'SiLU', [], {}, [(4, 6)], special=kinks),
        L('Sigmoid', 'Sigmoid', [], {}, [(4, 6)], special=kinks),
        L('Tanh', 'Tanh', [], {}, [(4, 6)], special=kinks),
        L('Softplus(2,5)', 'Softplus', [2, 5], {}, [(4, 6)], special=[2.5, 2.4, 2.6, -3.0]),
        L('Hardswish', 'Hardswish', [], {}, [(4, 6)], special=[-3.0, 0.0, -4.0, 2.5]),  # not 3.0: 1.13's vectorised and scalar backward disagree there
        L('PReLU(3)', 'PReLU', [3], {}, [(2, 3, 4)]),
        L('Softmax(1)', 'Softmax', [1], {}, [(4, 6)], special=[100.0, 101.0, -100.0]),
        L('LogSoftmax(-1)', 'LogSoftmax', [-1], {}, [(4, 6)], special=[1000.0, -1000.0, 0.0]),
        L('Flatten()', 'Flatten', [], {}, [(2, 3, 2, 2)]),
        L('ZeroPad2d([1,2,0,1])', 'ZeroPad2d', [[1, 2, 0, 1]], {}, [(1, 2, 3, 3)]),
        L('ReflectionPad2d(2)', 'ReflectionPad2d', [2], {}, [(1, 2, 4, 4)]),
        L('ReplicationPad2d([1,0,2,1])', 'ReplicationPad2d', [[1, 0, 2, 1]], {}, [(1, 2, 3, 3)]),
    ]


def loss(name, op, fn, x, target, options=None, tensors=()):
    leaf = x.clone().requires_grad_(True)
    y = fn(leaf, target, *tensors)
    g = torch.randn(*y.shape) if y.dim() > 0 else torch.tensor(1.0)
    grads = backward(y, [leaf], g)
    return record(name, f'F.{op}', [x, target, *tensors], [y], {'options': options or {}}, [g], grads + [None] * (1 + len(tensors)))


def losses():
    torch.manual_seed(0)
    n, c = 6, 4
    logits = torch.randn(n, c) * 3
    classes = torch.randint(0, c, (n,))
    ignored = classes.clone()
    ignored[1] = ignored[4] = -100
    weight = torch.rand(c) + 0.5
    probs = torch.softmax(torch.randn(n, c), 1)
    logits4d, classes4d = torch.randn(2, c, 3, 2), torch.randint(0, c, (2, 3, 2))
    huge = torch.tensor([[1000.0, -1000.0, 0.0, 500.0], [-1e4, 1e4, 3.0, 0.0]])
    W = {'input': 2}  # the class weights, inputs[2]
    out = []
    for red in ['none', 'mean', 'sum']:
        r = {'reduction': red}
        out += [
            loss(f'crossEntropy {red}', 'crossEntropy', lambda x, t: F.cross_entropy(x, t, reduction=red), logits, classes, r),
            loss(f'crossEntropy weight {red}', 'crossEntropy', lambda x, t, w: F.cross_entropy(x, t, weight=w, reduction=red), logits, classes, {**r, 'weight': W}, [weight]),
            loss(f'crossEntropy ignoreIndex {red}', 'crossEntropy', lambda x, t: F.cross_entropy(x, t, reduction=red), logits, ignored, r),
            loss(f'crossEntropy ignoreIndex=2 weight {red}', 'crossEntropy', lambda x, t, w: F.cross_entropy(x, t, weight=w, ignore_index=2, reduction=red), logits, classes, {**r, 'weight': W, 'ignoreIndex': 2}, [weight]),
            loss(f'crossEntropy labelSmoothing {red}', 'crossEntropy', lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1, reduction=red), logits, ignored, {**r, 'labelSmoothing': 0.1}),
            loss(f'crossEntropy labelSmoothing weight {red}', 'crossEntropy', lambda x, t, w: F.cross_entropy(x, t, weight=w, label_smoothing=0.2, reduction=red), logits, ignored, {**r, 'weight': W, 'labelSmoothing': 0.2}, [weight]),
            loss(f'crossEntropy probabilities {red}', 'crossEntropy', lambda x, t: F.cross_entropy(x, t, reduction=red), logits, probs, r),
            loss(f'crossEntropy probabilities smoothing weight {red}', 'crossEntropy', lambda x, t, w: F.cross_entropy(x, t, weight=w, label_smoothing=0.3, reduction=red), logits, probs, {**r, 'weight': W, 'labelSmoothing': 0.3}, [weight]),
            loss(f'crossEntropy 4d weight {red}', 'crossEntropy', lambda x, t, w: F.cross_entropy(x, t, weight=w, reduction=red), logits4d, classes4d, {**r, 'weight': W}, [weight]),
            loss(f'crossEntropy large logits {red}', 'crossEntropy', lambda x, t: F.cross_entropy(x, t, reduction=red), huge, torch.tensor([1, 0]), r),
            loss(f'nllLoss weight {red}', 'nllLoss', lambda x, t, w: F.nll_loss(x, t, weight=w, reduction=red), torch.log_softmax(logits, 1), ignored, {**r, 'weight': W}, [weight]),
            loss(f'mseLoss {red}', 'mseLoss', lambda x, t: F.mse_loss(x, t, reduction=red), logits, probs, r),
            loss(f'l1Loss {red}', 'l1Loss', lambda x, t: F.l1_loss(x, t, reduction=red), logits, probs, r),
            loss(f'smoothL1Loss {red}', 'smoothL1Loss', lambda x, t: F.smooth_l1_loss(x, t, reduction=red), logits, probs, r),
            loss(f'smoothL1Loss beta=0.5 {red}', 'smoothL1Loss', lambda x, t: F.smooth_l1_loss(x, t, beta=0.5, reduction=red), logits, probs, {**r, 'beta': 0.5}),
            loss(f'huberLoss {red}', 'huberLoss', lambda x, t: F.huber_loss(x, t, reduction=red), logits, probs, r),
            loss(f'huberLoss delta=2 {red}', 'huberLoss', lambda x, t: F.huber_loss(x, t, delta=2.0, reduction=red), logits, probs, {**r, 'delta': 2}),
            loss(f'binaryCrossEntropy {red}', 'binaryCrossEntropy', lambda x, t: F.binary_cross_entropy(x, t, reduction=red), torch.sigmoid(logits), probs, r),
            loss(f'binaryCrossEntropy weight {red}', 'binaryCrossEntropy', lambda x, t, w: F.binary_cross_entropy(x, t, weight=w, reduction=red), torch.sigmoid(logits), probs, {**r, 'weight': W}, [weight]),
            loss(f'binaryCrossEntropyWithLogits {red}', 'binaryCrossEntropyWithLogits', lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction=red), logits, probs, r),
            loss(f'binaryCrossEntropyWithLogits posWeight weight {red}', 'binaryCrossEntropyWithLogits', lambda x, t, w, pw: F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=pw, reduction=red), logits * 10, probs, {**r, 'weight': W, 'posWeight': {'input': 3}}, [weight, weight * 2]),
            loss(f'klDiv {red}', 'klDiv', lambda x, t: F.kl_div(x, t, reduction=red), torch.log_softmax(logits, 1), probs, r),
            loss(f'klDiv logTarget {red}', 'klDiv', lambda x, t: F.kl_div(x, t, reduction=red, log_target=True), torch.log_softmax(logits, 1), torch.log(probs), {**r, 'logTarget': True}),
        ]
    zero_target = probs.clone()
    zero_target[0, :2] = 0
    out += [
        loss('crossEntropy unbatched mean', 'crossEntropy', lambda x, t: F.cross_entropy(x, t), logits[0], classes[0]),
        loss('crossEntropy unbatched none', 'crossEntropy', lambda x, t: F.cross_entropy(x, t, reduction='none'), logits[0], classes[0], {'reduction': 'none'}),
        loss('crossEntropy all ignored mean', 'crossEntropy', lambda x, t: F.cross_entropy(x, t), logits[:2], torch.tensor([-100, -100])),
        loss('klDiv batchmean', 'klDiv', lambda x, t: F.kl_div(x, t, reduction='batchmean'), torch.log_softmax(logits, 1), zero_target, {'reduction': 'batchmean'}),
        loss('binaryCrossEntropy saturated', 'binaryCrossEntropy', lambda x, t: F.binary_cross_entropy(x, t), torch.tensor([0.0, 1.0, 1e-30, 0.5]), torch.tensor([1.0, 0.0, 1.0, 0.5])),
    ]
    return out
