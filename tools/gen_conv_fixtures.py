"""Golden values for convolution, pooling, padding, fold/unfold and LRN, from PyTorch 1.13.

    /usr/bin/python3 tools/gen_conv_fixtures.py     # writes test/fixtures/conv-*.json

Each case lists the op (convkit's name), its tensor inputs, extra positional args and the options object
in convkit's spelling, the output, a random output gradient `gradOutput` and the gradient of
sum(output * gradOutput) for every floating input. Inputs are random numbers with 3 decimals, so the
same values are exact for both sides' parsing; the reference is computed in float64 and stored as the
shortest float32 repr, which lets the tests check float32 and float64 runs from one file. tools/gen_conformance_conv.py records the same
case families (conv, transposed conv, pooling, adaptive pooling, pad, fold, LRN) for the conformance suite.
"""
import json
import os
import random
import warnings

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures')
rng = random.Random(1234)
torch.manual_seed(1234)
# 'same' with an even kernel makes torch copy the input; the warning is about speed, not values
warnings.filterwarnings('ignore', message='Using padding=.same.')


def values(shape, distinct=False):
    n = int(np.prod(shape)) if shape else 1
    if distinct:  # max pooling: no ties, so the argmax is unambiguous
        v = (torch.randperm(n).double() - n // 2) * 0.01
    else:
        v = torch.randn(n, dtype=torch.float64)
    return torch.round(v * 1000).reshape(shape) / 1000


def f32(x):
    return float(repr(np.float32(x))) if np.isfinite(x) else str(x)


def spec(t):
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32):
        return {'shape': list(t.shape), 'dtype': 'int32', 'data': [int(v) for v in t.reshape(-1).tolist()]}
    return {'shape': list(t.shape), 'dtype': 'float32', 'data': [f32(v) for v in t.reshape(-1).tolist()]}


def case(name, op, fn, inputs, args=(), opts=None, indices=False):
    """Runs fn(*inputs) in float64 and records output, gradOutput and the input gradients."""
    leaves = [None if t is None else t.clone().requires_grad_(True) for t in inputs]
    out = fn(*leaves)
    idx = None
    if indices:
        out, idx = out
    r = torch.round(torch.randn(out.shape, dtype=torch.float64) * 1000) / 1000
    used = [t for t in leaves if t is not None]
    grads = torch.autograd.grad((out * r).sum(), used, allow_unused=True)
    it = iter(grads)
    c = {
        'name': name, 'op': op,
        'inputs': [None if t is None else spec(t) for t in inputs],
        'args': list(args), 'opts': opts or {},
        'output': spec(out), 'gradOutput': spec(r),
        'grads': [None if t is None else spec(next(it)) for t in leaves],
    }
    if idx is not None:
        c['indices'] = spec(idx)
    return c


def pick(*options):
    return rng.choice(options)


def tf_same(n, k, s, d):
    out = -(-n // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
    return total // 2, total - total // 2


# ---------------------------------------------------------------- convolution
def conv_case(i, nd):
    conv = [F.conv1d, F.conv2d, F.conv3d][nd - 1]
    kind = pick('plain', 'plain', 'groups', 'depthwise', 'multiplier')
    groups = {'plain': 1, 'groups': pick(2, 3)}.get(kind, pick(2, 3))
    cg = 1 if kind in ('depthwise', 'multiplier') else pick(1, 2, 3)
    og = {'depthwise': 1, 'multiplier': pick(2, 3)}.get(kind, pick(1, 2))
    c, o = cg * groups, og * groups
    k = [pick(1, 2, 3) if nd == 3 else pick(1, 2, 3, 4) for _ in range(nd)]
    s = [pick(1, 1, 2, 3) for _ in range(nd)]
    d = [pick(1, 1, 2) for _ in range(nd)]
    padding = pick('int', 'list', 'valid', 'same', 'same')
    if padding == 'int':
        p = pick(0, 1, 2)
        pads = [(p, p)] * nd
        opt_p = p
    elif padding == 'list':
        pl = [pick(0, 1, 2) for _ in range(nd)]
        pads = [(p, p) for p in pl]
        opt_p = pl
    elif padding == 'valid':
        pads = [(0, 0)] * nd
        opt_p = 'valid'
    max_n = 5 if nd == 3 else 9
    size = []
    for j in range(nd):
        dk = d[j] * (k[j] - 1) + 1
        lo = max(1, dk - (2 * pads[j][0] if padding in ('int', 'list') else 0))
        size.append(rng.randint(lo, max(lo, dk + max_n - 3)))
    if padding == 'same':
        pads = [tf_same(size[j], k[j], s[j], d[j]) for j in range(nd)]
        opt_p = 'same'
    batch = pick(None, 1, 2)
    x = values(([batch] if batch else []) + [c] + size)
    w = values([o, cg] + k)
    b = values([o]) if pick(True, False) else None
    opts = {'stride': s if pick(True, False) or len(set(s)) > 1 else s[0], 'padding': opt_p, 'dilation': d, 'groups': groups}

    def fn(x, w, b):
        if padding == 'same':  # TensorFlow's rule, written out: pad (before, after) then a valid convolution
            flat = [v for j in reversed(range(nd)) for v in pads[j]]
            return conv(F.pad(x, flat), w, b, stride=s, dilation=d, groups=groups)
        return conv(x, w, b, stride=s, padding=opt_p, dilation=d, groups=groups)

    return case(f'conv{nd}d #{i} {kind} k{k} s{s} d{d} pad {opt_p} x{list(x.shape)}', f'conv{nd}d', fn, [x, w, b], opts=opts)


def torch_same_case():
    """PyTorch's own padding='same' (stride 1), including an even kernel where the extra zero goes at the end."""
    x, w, b = values([2, 3, 7, 6]), values([4, 3, 4, 3]), values([4])
    return case('conv2d torch same k[4,3] d[1,2]', 'conv2d', lambda x, w, b: F.conv2d(x, w, b, padding='same', dilation=[1, 2]),
                [x, w, b], opts={'padding': 'same', 'dilation': [1, 2]})


def conv_fixtures():
    cases = [conv_case(i, nd) for nd, n in ((1, 14), (2, 26), (3, 8)) for i in range(n)]
    cases.append(torch_same_case())
    # TensorFlow same with stride > 1 on the quiz's numbers: n=13, s=5, k=6 pads 1 before and 2 after
    x, w = values([1, 2, 13]), values([3, 2, 6])
    cases.append(case('conv1d tf same n13 s5 k6', 'conv1d', lambda x, w, _b: F.conv1d(F.pad(x, (1, 2)), w, stride=5),
                      [x, w, None], opts={'stride': 5, 'padding': 'same'}))
    return cases


# ---------------------------------------------------------------- transposed convolution
def conv_transpose_case(i, nd):
    convt = [F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d][nd - 1]
    groups = pick(1, 1, 2, 3)
    cin, cout = pick(1, 2) * groups, pick(1, 2) * groups
    k = [pick(1, 2, 3) for _ in range(nd)]
    s = [pick(1, 2, 3) for _ in range(nd)]
    d = [pick(1, 1, 2) for _ in range(nd)]
    p = [rng.randint(0, (k[j] - 1) * d[j] // 2) for j in range(nd)]
    op = [rng.randint(0, max(s[j], d[j]) - 1) for j in range(nd)]
    size = [rng.randint(1, 3 if nd == 3 else 5) for _ in range(nd)]
    batch = pick(None, 1, 2)
    x = values(([batch] if batch else []) + [cin] + size)
    w = values([cin, cout // groups] + k)
    b = values([cout]) if pick(True, False) else None
    opts = {'stride': s, 'padding': p, 'outputPadding': op, 'groups': groups, 'dilation': d}
    fn = lambda x, w, b: convt(x, w, b, stride=s, padding=p, output_padding=op, groups=groups, dilation=d)
    return case(f'convTranspose{nd}d #{i} k{k} s{s} d{d} p{p} op{op} g{groups}', f'convTranspose{nd}d', fn, [x, w, b], opts=opts)


def conv_transpose_fixtures():
    return [conv_transpose_case(i, nd) for nd, n in ((1, 8), (2, 14), (3, 6)) for i in range(n)]


# ---------------------------------------------------------------- pooling
def windows_reach_input(n, k, s, p, d, ceil):
    span = n + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= n + p:
        out -= 1
    return all(any(0 <= o * s - p + j * d < n for j in range(k)) for o in range(out))


def pool_case(i, nd, kind):
    k = [pick(1, 2, 3) for _ in range(nd)]
    stride = None if pick(True, False) else [pick(1, 2, 3) for _ in range(nd)]
    s = stride or k
    p = [rng.randint(0, k[j] // 2) for j in range(nd)]
    d = [pick(1, 1, 2) for _ in range(nd)] if kind == 'max' else [1] * nd
    ceil = pick(True, False)
    size = []
    for j in range(nd):
        lo = max(1, d[j] * (k[j] - 1) + 1 - 2 * p[j])
        if kind == 'avg' and nd == 3:
            lo = max(lo, k[j])  # 1.13's avg_pool3d refuses inputs smaller than the kernel even when padded
        n = rng.randint(lo, lo + (3 if nd == 3 else 6))
        while not windows_reach_input(n, k[j], s[j], p[j], d[j], ceil):
            n += 1  # a dilated window can fall entirely in the padding; PyTorch 1.13 then corrupts memory
        size.append(n)
    batch = pick(None, 1, 2)
    x = values(([batch] if batch else []) + [pick(1, 2, 3)] + size, distinct=kind == 'max')
    opts = {'padding': p, 'ceilMode': ceil}
    if stride:
        opts['stride'] = stride
    if kind == 'max':
        pool = [F.max_pool1d, F.max_pool2d, F.max_pool3d][nd - 1]
        opts['dilation'] = d
        opts['returnIndices'] = True
        fn = lambda x: pool(x, k, stride=stride, padding=p, dilation=d, ceil_mode=ceil, return_indices=True)
        return case(f'maxPool{nd}d #{i} k{k} s{stride} p{p} d{d} ceil {ceil}', f'maxPool{nd}d', fn, [x], args=[k], opts=opts, indices=True)
    pool = [F.avg_pool1d, F.avg_pool2d, F.avg_pool3d][nd - 1]
    cip = pick(True, False)
    opts['countIncludePad'] = cip
    kw = {'stride': stride, 'padding': p, 'ceil_mode': ceil, 'count_include_pad': cip}
    if nd > 1 and pick(True, False, False):
        kw['divisor_override'] = opts['divisorOverride'] = pick(1, 3, 5)
    fn = lambda x: pool(x, k, **kw)
    return case(f'avgPool{nd}d #{i} k{k} s{stride} p{p} ceil {ceil} cip {cip} div {kw.get("divisor_override")}', f'avgPool{nd}d', fn, [x], args=[k], opts=opts)


def pool_fixtures():
    return [pool_case(i, nd, kind) for kind in ('max', 'avg') for nd, n in ((1, 8), (2, 14), (3, 6)) for i in range(n)]


def adaptive_case(i, nd, kind):
    size = [rng.randint(1, 5 if nd == 3 else 9) for _ in range(nd)]
    out = [pick(1, 2, 3, 4, 5, None) for _ in range(nd)]
    if all(o is None for o in out):
        out[0] = 3
    batch = pick(None, 1, 2)
    x = values(([batch] if batch else []) + [pick(1, 2)] + size, distinct=kind == 'max')
    arg = out[0] if nd == 1 else out
    if kind == 'max':
        pool = [F.adaptive_max_pool1d, F.adaptive_max_pool2d][nd - 1]
        return case(f'adaptiveMaxPool{nd}d #{i} {size} -> {out}', f'adaptiveMaxPool{nd}d', lambda x: pool(x, arg, return_indices=True),
                    [x], args=[arg], opts={'returnIndices': True}, indices=True)
    pool = [F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d][nd - 1]
    return case(f'adaptiveAvgPool{nd}d #{i} {size} -> {out}', f'adaptiveAvgPool{nd}d', lambda x: pool(x, arg), [x], args=[arg])


def adaptive_fixtures():
    # adaptive_avg_pool1d takes no None in 1.13's Python signature, so 1-D sizes are plain numbers
    grid = [('avg', 1, 6), ('avg', 2, 10), ('avg', 3, 5), ('max', 1, 6), ('max', 2, 10)]
    return [adaptive_case(i, nd, kind) for kind, nd, n in grid for i in range(n)]


# ---------------------------------------------------------------- padding, fold/unfold, LRN
def pad_case(i, mode):
    dims = pick(1, 2, 3)
    batched = pick(True, False)
    rank = dims + (2 if batched else 1) if mode != 'constant' else rng.randint(dims, dims + 2)
    shape = [rng.randint(1, 3) for _ in range(rank - dims)] + [rng.randint(2, 5) for _ in range(dims)]
    pad = []
    for j in range(dims):
        n = shape[rank - 1 - j]
        top = {'reflect': n - 1, 'circular': n, 'replicate': 3, 'constant': 3}[mode]
        pad += [rng.randint(-1 if n > 2 else 0, top), rng.randint(-1 if n > 2 else 0, top)]
    opts = {'mode': mode}
    if mode == 'constant':
        opts['value'] = pick(0, 0, 1.5, -2)
    x = values(shape)
    if mode == 'circular' and len(shape) == dims + 1:  # 1.13's circular pad needs the batch dim; pad [1, ...]
        fn = lambda x: F.pad(x.unsqueeze(0), pad, mode=mode).squeeze(0)
    else:
        fn = lambda x: F.pad(x, pad, mode=mode, value=opts.get('value', 0)) if mode == 'constant' else F.pad(x, pad, mode=mode)
    return case(f'pad #{i} {mode} {shape} {pad}', 'pad', fn, [x], args=[pad], opts=opts)


def pad_fixtures():
    return [pad_case(i, mode) for mode in ('constant', 'reflect', 'replicate', 'circular') for i in range(8)]


def fold_fixtures():
    cases = []
    for i in range(10):
        k = [pick(1, 2, 3), pick(1, 2, 3)]
        s = [pick(1, 2), pick(1, 2, 3)]
        d = [pick(1, 2), pick(1, 1, 2)]
        p = [pick(0, 1), pick(0, 1, 2)]
        size = [rng.randint(max(1, d[j] * (k[j] - 1) + 1 - 2 * p[j]), 7) for j in range(2)]
        c = pick(1, 2, 3)
        batch = pick(None, 1, 2)
        lead = [batch] if batch else []
        opts = {'dilation': d, 'padding': p, 'stride': s}
        x = values(lead + [c] + size)
        cases.append(case(f'unfold #{i} {list(x.shape)} k{k} s{s} d{d} p{p}', 'unfold',
                          lambda x: F.unfold(x, k, dilation=d, padding=p, stride=s), [x], args=[k], opts=opts))
        blocks = [(size[j] + 2 * p[j] - d[j] * (k[j] - 1) - 1) // s[j] + 1 for j in range(2)]
        cols = values(lead + [c * k[0] * k[1], blocks[0] * blocks[1]])
        cases.append(case(f'fold #{i} {list(cols.shape)} -> {size} k{k} s{s} d{d} p{p}', 'fold',
                          lambda t: F.fold(t, size, k, dilation=d, padding=p, stride=s), [cols], args=[size, k], opts=opts))
    return cases


def lrn_fixtures():
    cases = []
    for i, shape in enumerate([[2, 5, 4], [1, 6, 3, 3], [2, 4, 2, 3, 2], [1, 7, 4, 4], [1, 3, 5]]):
        size = pick(1, 2, 3, 5)
        alpha, beta, k = pick(1e-4, 0.5, 1.0), pick(0.75, 0.5), pick(1.0, 2.0)
        x = values(shape)
        cases.append(case(f'localResponseNorm #{i} {shape} size {size}', 'localResponseNorm',
                          lambda x: F.local_response_norm(x, size, alpha=alpha, beta=beta, k=k), [x], args=[size],
                          opts={'alpha': alpha, 'beta': beta, 'k': k}))
    return cases


# ---------------------------------------------------------------- second order: gradients of gradients
def double_backward_fixtures():
    """d/d(x, w) of sum(dL/dx · r2) and sum(dL/dw · r2): checks the gradients of conv's own gradients."""
    cases = []
    for i, (xs, ws, kw) in enumerate([
        ([2, 2, 5, 5], [3, 2, 3, 3], {'stride': 2, 'padding': 1}),
        ([1, 4, 6, 5], [4, 2, 2, 3], {'groups': 2, 'dilation': [2, 1]}),
        ([2, 3, 7], [2, 3, 3], {'stride': 2, 'padding': 2}),
    ]):
        conv = F.conv2d if len(xs) == 4 else F.conv1d
        x = values(xs).requires_grad_(True)
        w = values(ws).requires_grad_(True)
        y = conv(x, w, **kw)
        r = torch.round(torch.randn(y.shape, dtype=torch.float64) * 1000) / 1000
        gx, gw = torch.autograd.grad((y * r).sum(), [x, w], create_graph=True)
        rx = torch.round(torch.randn(gx.shape, dtype=torch.float64) * 1000) / 1000
        rw = torch.round(torch.randn(gw.shape, dtype=torch.float64) * 1000) / 1000
        ggx, ggw = torch.autograd.grad((gx * rx).sum() + (gw * rw).sum(), [x, w])
        cases.append({'name': f'conv double backward #{i}', 'op': conv.__name__, 'opts': kw,
                      'x': spec(x), 'w': spec(w), 'gradOutput': spec(r), 'rx': spec(rx), 'rw': spec(rw),
                      'gradX': spec(ggx), 'gradW': spec(ggw)})
    return cases


def write(name, cases):
    path = os.path.join(OUT, f'{name}.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'tools/gen_conv_fixtures.py', 'torch': torch.__version__, 'cases': cases}, f, separators=(',', ':'))
    print(f'{path}: {len(cases)} cases, {os.path.getsize(path) // 1024} KiB')


if __name__ == '__main__':
    torch.set_default_dtype(torch.float64)
    os.makedirs(OUT, exist_ok=True)
    write('conv', conv_fixtures())
    write('conv-transpose', conv_transpose_fixtures())
    write('conv-pool', pool_fixtures())
    write('conv-adaptive-pool', adaptive_fixtures())
    write('conv-pad', pad_fixtures())
    write('conv-fold', fold_fixtures())
    write('conv-lrn', lrn_fixtures())
    write('conv-double-backward', double_backward_fixtures())
