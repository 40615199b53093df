"""Writes the model-zoo fixtures from torchvision 0.14 and tools/reference_models.py:

- test/fixtures/models-counts.json: parameters, trainable parameters and floating buffer elements per model
- test/fixtures/models-keys.json: state-dict keys and shapes per model, in order
- test/fixtures/models-summary.json: torchinfo-style rows (module, type, depth, output shape, parameters) and
  mult-adds for a few models, and the ResNet mult-adds at 224x224 for both bottleneck stride placements
- test/fixtures/models-parity.json: eval-mode logits of models whose weights are a hash of (key, index), so
  that convkit rebuilds the same weights without a weights file (test/helpers/hash-weights.ts)
- test/fixtures/models/*.safetensors + models-exported.json: small models with PyTorch's own random
  initialisation, exported, with an input and the logits

Each case names the convkit call that builds the model (`call` and `args`).
Run: /usr/bin/python3 tools/gen_model_fixtures.py  (about a minute)
"""
import json
import math
import os

import numpy as np
import torch
import torchvision

import reference_models as ref
from safetensors_io import dumps

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'test', 'fixtures')
tv = torchvision.models


def case(call, *args):
    return {'call': call, 'args': list(args)}


NO_INIT = {'initWeights': False}
GOOGLENET = {'transformInput': True, 'initWeights': False}


def googlenet_tv(**kwargs):
    return tv.googlenet(aux_logits=True, transform_input=True, init_weights=False, **kwargs)


# The convkit call and the PyTorch model it must equal.
TORCHVISION = {
    'alexnet': (case('alexnet'), lambda: tv.alexnet()),
    **{f'vgg{d}': (case(f'vgg{d}', NO_INIT), (lambda d=d: getattr(tv, f'vgg{d}')(init_weights=False))) for d in (11, 13, 16, 19)},
    **{f'vgg{d}Bn': (case(f'vgg{d}Bn', NO_INIT), (lambda d=d: getattr(tv, f'vgg{d}_bn')(init_weights=False))) for d in (11, 13, 16, 19)},
    **{f'resnet{d}': (case(f'resnet{d}'), (lambda d=d: getattr(tv, f'resnet{d}')())) for d in (18, 34, 50, 101, 152)},
    'resnext50_32x4d': (case('resnext50_32x4d'), lambda: tv.resnext50_32x4d()),
    # initWeights only changes the initial values, transformInput only the forward: tests share one instance
    'googlenet': (case('googlenet', GOOGLENET), lambda: googlenet_tv()),
    'inceptionV3': (case('inceptionV3', NO_INIT), lambda: tv.inception_v3(aux_logits=True, init_weights=False)),
}

OTHERS = {
    'alexnet-1ch-10': (case('alexnet', {'inChannels': 1, 'numClasses': 10}), lambda: alexnet_1ch()),
    'googlenet-noaux': (case('googlenet', {'auxLogits': False, **NO_INIT}), lambda: tv.googlenet(aux_logits=False, init_weights=False)),
    'inceptionV3-noaux': (case('inceptionV3', {'auxLogits': False, **NO_INIT}), lambda: tv.inception_v3(aux_logits=False, init_weights=False)),
    **{f'vgg-{c}': (case('vgg', c, NO_INIT), (lambda c=c: ref.vgg_paper(c))) for c in ref.VGG_CONFIGS},
    **{f'vgg-{c}-bn': (case('vgg', c, {'batchNorm': True, **NO_INIT}), (lambda c=c: ref.vgg_paper(c, True))) for c in ref.VGG_CONFIGS},
    'resnet50-1x1': (case('resnet50', {'strideOn': '1x1'}), lambda: ref.resnet(50, '1x1')),
    'lenet5': (case('lenet5'), lambda: ref.LeNet5()),
    'simpleCnn': (case('simpleCnn'), lambda: ref.SimpleCNN()),
    'residualNet': (case('residualNet'), lambda: ref.ResidualNet()),
    'xception': (case('xception'), lambda: ref.Xception()),
    'inceptionResnetV2': (case('inceptionResnetV2'), lambda: ref.InceptionResNetV2()),
}

# Models whose key lists are committed: the torchvision ones, and ours whose fixtures depend on their layout.
KEYED = list(TORCHVISION) + ['alexnet-1ch-10', 'googlenet-noaux', 'vgg-A-LRN', 'vgg-C', 'vgg-C-bn', 'lenet5',
                             'simpleCnn', 'residualNet', 'xception', 'inceptionResnetV2']


def alexnet_1ch():
    m = tv.alexnet(num_classes=10)
    m.features[0] = torch.nn.Conv2d(1, 64, 11, stride=4, padding=2)
    return m


def counts(model):
    params = list(model.parameters())
    return {
        'params': sum(p.numel() for p in params),
        'trainable': sum(p.numel() for p in params if p.requires_grad),
        'bufferElements': sum(b.numel() for b in model.buffers() if b.is_floating_point()),
    }


def key_list(model):
    return [[k, list(v.shape)] for k, v in model.state_dict().items()]


# ---------------------------------------------------------------- summary rows and mult-adds

def layer_mult_adds(module, out):
    """torchinfo's rule: a convolution's parameters times its output positions (times the batch); any other
    layer with parameters (Linear, BatchNorm), its parameters times the batch."""
    n = sum(p.numel() for p in module.parameters(recurse=False))
    if n == 0:
        return 0
    if isinstance(module, torch.nn.modules.conv._ConvNd):
        return n * out.shape[0] * math.prod(out.shape[2:])
    return n * out.shape[0]


def summary_rows(model, shape):
    """Every module call in order (containers before their children), as torchinfo lists them."""
    rows, names, depth = [], {m: n for n, m in model.named_modules()}, [0]

    def pre(m, _):
        depth[0] += 1
        rows.append({'name': names[m], 'type': type(m).__name__, 'depth': depth[0], 'module': m})

    def post(m, _, out):
        depth[0] -= 1
        row = next(r for r in reversed(rows) if r['module'] is m and 'outputShape' not in r)
        first = out[0] if isinstance(out, (tuple, list)) else out
        row['outputShape'] = list(first.shape)
        row['ownParams'] = sum(p.numel() for p in m.parameters(recurse=False))
        row['params'] = sum(p.numel() for p in m.parameters())
        row['multAdds'] = layer_mult_adds(m, first) if not list(m.children()) else 0

    hooks = [m.register_forward_pre_hook(pre) for m in model.modules() if m is not model]
    hooks += [m.register_forward_hook(post) for m in model.modules() if m is not model]
    with torch.no_grad():
        out = model(torch.zeros(shape))
    for h in hooks:
        h.remove()
    for r in rows:
        del r['module']
    first = out[0] if isinstance(out, (tuple, list)) else out
    return {'outputShape': list(first.shape), 'rows': rows, 'multAdds': sum(r['multAdds'] for r in rows)}


def summaries():
    cases = {
        'lenet5': (case('lenet5'), ref.LeNet5(), [1, 1, 32, 32]),
        'alexnet': (case('alexnet'), tv.alexnet(), [1, 3, 224, 224]),
        'resnet18': (case('resnet18'), tv.resnet18(), [2, 3, 64, 64]),
        'googlenet-train': (case('googlenet', GOOGLENET), googlenet_tv(), [2, 3, 64, 64]),
    }
    out = {}
    for name, (c, model, shape) in cases.items():
        model.train(name.endswith('-train'))
        out[name] = {**c, 'inputShape': shape, **summary_rows(model, shape)}
    flops = {}
    for depth in (18, 34, 50, 101, 152):
        for stride_on in ('3x3', '1x1'):
            m = ref.resnet(depth, stride_on).eval()
            flops[f'resnet{depth}-{stride_on}'] = summary_rows(m, [1, 3, 224, 224])['multAdds']
    return {'models': out, 'resnetMultAdds224': flops}


# ---------------------------------------------------------------- hash weights (mirrored in test/helpers/hash-weights.ts)

M32 = 0xFFFFFFFF


def fnv1a(s):
    h = 0x811C9DC5
    for byte in s.encode('utf-8'):
        h = ((h ^ byte) * 0x01000193) & M32
    return h


def hash_uniform(key, n):
    """n numbers in [0, 1) from murmur3's finaliser of (index * golden + fnv1a(key)), exact in 32-bit integers."""
    h = (np.arange(n, dtype=np.uint64) * np.uint64(0x9E3779B1) + np.uint64(fnv1a(key))) & np.uint64(M32)
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & np.uint64(M32)
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & np.uint64(M32)
    h ^= h >> np.uint64(16)
    return h.astype(np.float64) / 2.0 ** 32


def hash_range(key, shape):
    """The interval a state-dict entry's values are drawn from (LeCun-uniform weights, BN near identity)."""
    leaf = key.rsplit('.', 1)[-1]
    if leaf == 'running_var' or (leaf == 'weight' and len(shape) == 1):
        return 0.5, 1.5
    if leaf in ('running_mean', 'bias'):
        return -0.1, 0.1
    bound = math.sqrt(3 / (math.prod(shape) / shape[0]))
    return -bound, bound


def hash_values(key, shape):
    lo, hi = hash_range(key, shape)
    return (lo + (hi - lo) * hash_uniform(key, math.prod(shape))).astype(np.float32).reshape(shape)


def fill_hash_weights(model):
    with torch.no_grad():
        for k, v in model.state_dict().items():
            if v.is_floating_point():
                v.copy_(torch.from_numpy(hash_values(k, list(v.shape))))
    return model


def spec(t):
    return {'shape': list(t.shape), 'dtype': 'float32', 'data': [float(v) for v in t.detach().flatten().tolist()]}


def parity():
    cases = {
        'alexnet': (case('alexnet'), tv.alexnet(), [1, 3, 63, 63]),
        'resnet18': (case('resnet18'), tv.resnet18(), [2, 3, 32, 32]),
        'resnet50': (case('resnet50'), tv.resnet50(), [1, 3, 32, 32]),
        'resnet50-1x1': (case('resnet50', {'strideOn': '1x1'}), ref.resnet(50, '1x1'), [1, 3, 32, 32]),
        'resnext50_32x4d': (case('resnext50_32x4d'), tv.resnext50_32x4d(), [1, 3, 32, 32]),
        'vgg11Bn': (case('vgg11Bn', NO_INIT), tv.vgg11_bn(init_weights=False), [1, 3, 32, 32]),
        'vgg-A-LRN': (case('vgg', 'A-LRN', NO_INIT), ref.vgg_paper('A-LRN'), [1, 3, 32, 32]),
        'googlenet': (case('googlenet', GOOGLENET), googlenet_tv(), [1, 3, 32, 32]),
        'inceptionV3': (case('inceptionV3', NO_INIT), tv.inception_v3(aux_logits=True, init_weights=False), [1, 3, 75, 75]),
        'xception': (case('xception'), ref.Xception(), [1, 3, 71, 71]),
        'inceptionResnetV2': (case('inceptionResnetV2'), ref.InceptionResNetV2(), [1, 3, 75, 75]),
    }
    out = {}
    for name, (c, model, shape) in cases.items():
        fill_hash_weights(model).eval()
        x = torch.from_numpy(input_values(shape))
        with torch.no_grad():
            y = model(x)
        out[name] = {**c, 'inputShape': shape, 'logits': spec(y)}
        print(f'  parity {name}: logits {list(y.shape)}, |max| {y.abs().max().item():.3g}')
    return out


def input_values(shape):
    return (-1 + 2 * hash_uniform('input', math.prod(shape))).astype(np.float32).reshape(shape)


# ---------------------------------------------------------------- exported small models (PyTorch's own init)

def exported():
    cases = {
        'lenet5': (case('lenet5'), lambda: ref.LeNet5(), [2, 1, 32, 32]),
        'lenet5-relu-max': (case('lenet5', {'activation': 'relu', 'pool': 'max'}), lambda: ref.LeNet5('relu', 'max'), [2, 1, 32, 32]),
        'lenet5-tanh-3ch': (case('lenet5', {'activation': 'tanh', 'inChannels': 3, 'numClasses': 4}), lambda: ref.LeNet5('tanh', 'avg', 3, 4), [1, 3, 32, 32]),
        'simpleCnn': (case('simpleCnn'), lambda: ref.SimpleCNN(), [2, 3, 32, 32]),
        'residualNet': (case('residualNet', {'inDim': [3, 16, 16], 'channels': 8, 'numResBlocks': 4, 'numClasses': 5}),
                        lambda: ref.ResidualNet((3, 16, 16), 8, 3, 4, 0.0, 5), [2, 3, 16, 16]),
    }
    os.makedirs(os.path.join(FIXTURES, 'models'), exist_ok=True)
    out = {}
    for i, (name, (c, build, shape)) in enumerate(cases.items()):
        torch.manual_seed(100 + i)
        model = build()
        # running statistics away from their initial 0/1, so that loading them is tested too
        model.train()
        with torch.no_grad():
            for _ in range(3):
                model(torch.randn(shape) * 2 + 0.5)
        model.eval()
        x = torch.randn(shape)
        with torch.no_grad():
            y = model(x)
        path = os.path.join(FIXTURES, 'models', f'{name}.safetensors')
        with open(path, 'wb') as f:
            f.write(dumps(model.state_dict(), {'format': 'pt', 'source': 'tools/gen_model_fixtures.py'}))
        out[name] = {**c, 'weights': f'models/{name}.safetensors', 'input': spec(x), 'logits': spec(y)}
    return out


def write(name, data):
    path = os.path.join(FIXTURES, f'{name}.json')
    with open(path, 'w') as f:
        json.dump(data, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {path} ({os.path.getsize(path) // 1024} KiB)')


def main():
    torch.set_num_threads(2)
    all_models = {**TORCHVISION, **OTHERS}
    count_out, key_out = {}, {}
    for name, (c, build) in all_models.items():
        model = build()
        count_out[name] = {**c, **counts(model)}
        if name in KEYED:
            key_out[name] = {**c, 'keys': key_list(model)}
        del model
    write('models-counts', count_out)
    write('models-keys', key_out)
    write('models-summary', summaries())
    write('models-parity', parity())
    write('models-exported', exported())


if __name__ == '__main__':
    main()
