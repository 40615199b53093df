"""ONNX files exported by PyTorch (torch.onnx.export, torch 1.13) from torchvision's ResNet-18, VGG-11, GoogLeNet
and Inception v3, with PyTorch's logits, for test/io/onnx/torch-fixtures.test.ts.

The weights would be 0.1-0.5 GB per model, so they are not committed: every parameter and buffer is filled by
a formula of its state-dict key and position that the test computes again exactly in JS, and each large
initializer in the committed file is marked as external data at location 'formula:<key>' (or 'zeros' for the
zero biases BatchNorm folding creates). The graphs themselves are PyTorch's, byte for byte otherwise.

Exports per model:
  eval      TrainingMode.EVAL: PyTorch folds BatchNorm into the convolutions. BatchNorm is the identity here
            (weight 1, bias 0, mean 0, var + eps == 1 exactly in float32), so the folded weights are the formula's.
  preserve  TrainingMode.PRESERVE on an eval model without constant folding: BatchNormalization nodes with the
            formula's statistics, and the Shape/Gather/Unsqueeze/Concat chains of x.view(x.size(0), -1).
  train     TrainingMode.TRAINING (ResNet-18): BatchNormalization in training mode, batch statistics.
Run: /usr/bin/python3 tools/gen_onnx_fixtures.py
"""
import math
import os

import numpy as np
import onnx
import torch
import torchvision
from onnx import numpy_helper

from fixtures import FIXTURES, save

torch.set_num_threads(2)
OUT = os.path.join(FIXTURES, 'onnx')


def seed_of(key):
    return sum((j + 1) * ord(c) for j, c in enumerate(key)) % 1000003


def unit(key, n):
    """n values in [-1, 1) from the key: ((i * 7919 + seed) mod 2003) / 1001 - 1, in float64."""
    i = np.arange(n, dtype=np.float64)
    return np.mod(i * 7919 + seed_of(key), 2003) / 1001 - 1


def kind_of(model, key):
    owner = model.get_submodule(key.rsplit('.', 1)[0]) if '.' in key else model
    leaf = key.rsplit('.', 1)[-1]
    if isinstance(owner, torch.nn.modules.batchnorm._BatchNorm):
        return {'weight': 'bn_weight', 'bias': 'bn_bias', 'running_mean': 'bn_mean', 'running_var': 'bn_var'}.get(leaf)
    return 'weight' if leaf == 'weight' else 'bias' if leaf == 'bias' else None


def formula(kind, key, shape, identity_bn=False, eps=1e-5):
    """The values the JS test regenerates (float64 math, one rounding to float32 at the end)."""
    n = int(np.prod(shape))
    u = unit(key, n)
    if kind == 'weight':
        fan_in = n // shape[0]
        v = u * math.sqrt(6 / fan_in)
    elif kind == 'bias':
        v = u * 0.1
    elif kind == 'bn_weight':
        v = np.ones(n) if identity_bn else 1 + 0.1 * u
    elif kind in ('bn_bias', 'bn_mean'):
        v = np.zeros(n) if identity_bn else 0.1 * u
    elif kind == 'bn_var':
        # with var + eps == 1 exactly in float32, folding multiplies the weights by exactly 1
        v = np.full(n, float(np.float32(1) - np.float32(eps))) if identity_bn else 1.25 + 0.25 * u
    else:
        raise ValueError(kind)
    return v.astype(np.float32).reshape(shape)


def fill(model, identity_bn):
    kinds = {}
    with torch.no_grad():
        for key, t in model.state_dict().items():
            kind = kind_of(model, key)
            if kind is None:
                continue
            owner = model.get_submodule(key.rsplit('.', 1)[0])
            eps = getattr(owner, 'eps', 1e-5)
            t.copy_(torch.from_numpy(formula(kind, key, list(t.shape), identity_bn, eps)))
            kinds[key] = kind
    return kinds


def input_for(shape):
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.float64)
    return torch.from_numpy((np.mod(i * 31 + 7, 200) / 100 - 1).astype(np.float32).reshape(shape))


def strip(path, model, kinds, identity_bn):
    """Marks each large float initializer as external data the test regenerates; returns {name: location}."""
    m = onnx.load(path)
    state = {k: v.numpy() for k, v in model.state_dict().items() if k in kinds}
    locations = {}
    for init in m.graph.initializer:
        a = numpy_helper.to_array(init)
        if a.dtype != np.float32 or a.size <= 16:
            continue
        if not np.any(a):
            loc = 'zeros'
        else:
            match = [k for k, v in state.items() if v.shape == a.shape and np.array_equal(v, a)]
            if not match:
                raise SystemExit(f'{path}: initializer {init.name} {a.shape} matches no formula tensor')
            loc = f'formula:{kinds[match[0]]}:{match[0]}'
        locations[init.name] = loc
        init.ClearField('raw_data')
        init.ClearField('float_data')
        init.data_location = onnx.TensorProto.EXTERNAL
        for k, v in (('location', loc), ('offset', '0'), ('length', str(a.size * 4))):
            e = init.external_data.add()
            e.key, e.value = k, v
    onnx.save(m, path)
    return locations


class ViewFlatten(torch.nn.Module):
    """A small CNN flattening as older code does, x.view(x.size(0), -1): the Shape/Gather chain under a dynamic batch."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)
        self.bn = torch.nn.BatchNorm2d(4)
        self.fc = torch.nn.Linear(4 * 6 * 6, 5)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        return self.fc(x.view(x.size(0), -1))


MODELS = {
    'resnet18': (lambda: torchvision.models.resnet18(), [2, 3, 32, 32], 13),
    'vgg11': (lambda: torchvision.models.vgg11(), [1, 3, 224, 224], 17),
    'googlenet': (lambda: torchvision.models.googlenet(aux_logits=False, transform_input=False, init_weights=False), [2, 3, 64, 64], 15),
    'inception_v3': (lambda: torchvision.models.inception_v3(aux_logits=False, transform_input=False, init_weights=False), [1, 3, 75, 75], 17),
    'view_flatten': (ViewFlatten, [2, 3, 8, 8], 14),
}
MODES = {
    'eval': dict(training=torch.onnx.TrainingMode.EVAL, do_constant_folding=True),
    'preserve': dict(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False),
    'train': dict(training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False),
}
# batch statistics of 2 samples on 1x1 maps amplify rounding: the training-mode case uses a larger batch and image
PLAN = [('resnet18', 'eval'), ('resnet18', 'preserve'), ('resnet18', 'train', [4, 3, 64, 64]), ('vgg11', 'eval'), ('googlenet', 'eval'),
        ('googlenet', 'preserve'), ('inception_v3', 'eval'), ('inception_v3', 'preserve'), ('view_flatten', 'preserve')]


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for name, mode, *size in PLAN:
        make, shape, opset = MODELS[name]
        shape = size[0] if size else shape
        torch.manual_seed(0)
        model = make()
        identity_bn = mode == 'eval'
        kinds = fill(model, identity_bn)
        x = input_for(shape)
        model.train(mode == 'train')
        with torch.no_grad():
            logits = model(x)
        model.train(mode == 'train')
        fill(model, identity_bn)  # training-mode forward moved the running statistics
        file = f'{name}-{mode}.onnx'
        path = os.path.join(OUT, file)
        torch.onnx.export(model, x, path, opset_version=opset, input_names=['input'], output_names=['output'],
                          dynamic_axes={'input': {0: 'batch'}, 'output': {0: 'batch'}}, **MODES[mode])
        locations = strip(path, model, kinds, identity_bn)
        ops = sorted({n.op_type for n in onnx.load(path, load_external_data=False).graph.node})
        print(f'{file}: {os.path.getsize(path) // 1024} KiB, {len(locations)} regenerated initializers, ops {ops}')
        cases.append({'file': file, 'model': name, 'mode': mode, 'opset': opset, 'input': shape, 'ops': ops,
                      'output': {'shape': list(logits.shape), 'data': [float(repr(np.float32(v))) for v in logits.reshape(-1).tolist()]}})
    save('onnx/torchvision', {'torch': torch.__version__, 'torchvision': torchvision.__version__, 'cases': cases})


if __name__ == '__main__':
    main()
