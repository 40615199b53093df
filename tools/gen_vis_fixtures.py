"""Writes test/fixtures/vis.json: what ck.vis computes, computed by PyTorch 1.13 / torchvision 0.14 in plain torch
(Captum is not installed; its definitions are followed line by line: Saliency(abs=True), NoiseTunnel smoothgrad
over Saliency, LayerGradCam(relu_attributions=True), IntegratedGradients with its approximation methods).

Models have hash weights (tools/gen_model_fixtures.py, mirrored by test/helpers/hash-weights.ts), so no weights
file is committed; inputs are hash_uniform('input') in [-1, 1] and SmoothGrad's noise hash_uniform('noise').
Run: /usr/bin/python3 tools/gen_vis_fixtures.py  (a few seconds)
"""
import math

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

import reference_models as ref
from fixtures import save, spec
from gen_model_fixtures import fill_hash_weights, hash_uniform


def hash_input(shape, key='input', lo=-1.0, hi=1.0):
    return torch.from_numpy((lo + (hi - lo) * hash_uniform(key, math.prod(shape))).astype(np.float32).reshape(shape))


def score(model, x, target):
    """Σ_i logits[i, target_i], whose gradient is each image's own."""
    out = model(x)
    return out.gather(1, torch.tensor(target).view(-1, 1)).sum()


def saliency(model, x, target):
    x = x.clone().requires_grad_()
    return torch.autograd.grad(score(model, x, target), x)[0].abs()


def smoothgrad(model, x, target, noise):
    return torch.stack([saliency(model, x + n, target) for n in noise]).mean(0)


def grad_cam(model, x, target, layer):
    caught = {}
    handle = dict(model.named_modules())[layer].register_forward_hook(lambda m, i, o: caught.update(a=o))
    out = model(x.clone().requires_grad_())
    handle.remove()
    a = caught['a']
    g = torch.autograd.grad(out.gather(1, torch.tensor(target).view(-1, 1)).sum(), a)[0]
    return F.relu((g.mean((2, 3), keepdim=True) * a).sum(1, keepdim=True))


def quadrature(method, n):
    """Captum's approximation_methods."""
    if method == 'gausslegendre':
        nodes, weights = np.polynomial.legendre.leggauss(n)
        return list(0.5 * (1 + nodes)), list(0.5 * weights)
    deltas = [1 / n] * n
    if method == 'riemann_trapezoid':
        deltas[0] /= 2
        deltas[-1] /= 2
        return torch.linspace(0, 1, n).tolist(), deltas
    if method == 'riemann_left':
        return torch.linspace(0, 1 - 1 / n, n).tolist(), deltas
    if method == 'riemann_middle':
        return torch.linspace(1 / (2 * n), 1 - 1 / (2 * n), n).tolist(), deltas
    return torch.linspace(1 / n, 1, n).tolist(), deltas


def integrated_gradients(model, x, target, steps, method):
    base = torch.zeros_like(x)
    alphas, weights = quadrature(method, steps)
    total = sum(w * saliency_signed(model, base + a * (x - base), target) for a, w in zip(alphas, weights))
    attr = (x - base) * total
    with torch.no_grad():
        fx = model(x).gather(1, torch.tensor(target).view(-1, 1)).view(-1)
        fb = model(base).gather(1, torch.tensor(target).view(-1, 1)).view(-1)
    return attr, attr.flatten(1).sum(1) - (fx - fb), fx, fb


def saliency_signed(model, x, target):
    x = x.clone().requires_grad_()
    return torch.autograd.grad(score(model, x, target), x)[0]


def feature_maps(model, x, names):
    caught = {}
    mods = dict(model.named_modules())
    handles = [mods[n].register_forward_hook(lambda m, i, o, n=n: caught.update({n: o})) for n in names]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return {n: spec(caught[n]) for n in names}


def model_cases(name, model, shape, target, maps, cam_layers):
    model = fill_hash_weights(model).eval()
    x = hash_input(shape)
    noise = hash_input([3, *shape], 'noise', -0.2, 0.2)
    ig = {}
    for method, steps in (('riemann_trapezoid', 16), ('gausslegendre', 8)):
        attr, delta, fx, fb = integrated_gradients(model, x, target, steps, method)
        ig[method] = {'steps': steps, 'attributions': spec(attr), 'delta': spec(delta), 'fx': spec(fx), 'fb': spec(fb)}
    # the rule's own error at 64 steps, for the completeness test
    delta64 = {m: spec(integrated_gradients(model, x, target, 64, m)[1]) for m in ('riemann_trapezoid', 'gausslegendre')}
    return {
        'shape': shape,
        'delta64': delta64,
        'target': target,
        'featureMaps': feature_maps(model, x[:1], maps),
        'saliency': spec(saliency(model, x, target)),
        'smoothGrad': spec(smoothgrad(model, x, target, noise)),
        'gradCam': {layer: spec(grad_cam(model, x, target, layer)) for layer in cam_layers},
        'integratedGradients': ig,
    }


def main():
    torch.set_num_threads(1)
    out = {
        'resnet18': model_cases('resnet18', torchvision.models.resnet18(num_classes=10), [2, 3, 24, 24], [3, 7],
                                ['layer1', 'layer2.0.conv1', 'layer4'], ['layer2', 'layer3']),
        'lenet5': model_cases('lenet5', ref.LeNet5(activation='relu', pool='max'), [2, 1, 32, 32], [1, 8],
                              ['features_detector.0', 'features_detector.3', 'features_detector.7'], ['features_detector.3', 'features_detector.5']),
    }
    imgs = hash_input([5, 3, 4, 4], 'grid')
    grey = hash_input([3, 1, 5, 5], 'grey')
    out['grid'] = {
        'input': spec(imgs),
        'grey': spec(grey),
        'cases': [
            {'of': 'input', 'opts': {'nrow': 2, 'padding': 1}, 'out': spec(torchvision.utils.make_grid(imgs, nrow=2, padding=1))},
            {'of': 'input', 'opts': {'nrow': 3, 'padding': 2, 'normalize': True, 'padValue': 0.5},
             'out': spec(torchvision.utils.make_grid(imgs, nrow=3, padding=2, normalize=True, pad_value=0.5))},
            {'of': 'grey', 'opts': {'normalize': True, 'scaleEach': True},
             'out': spec(torchvision.utils.make_grid(grey, normalize=True, scale_each=True))},
            {'of': 'grey', 'opts': {'normalize': True, 'valueRange': [-0.5, 0.5], 'nrow': 1},
             'out': spec(torchvision.utils.make_grid(grey, normalize=True, value_range=(-0.5, 0.5), nrow=1))},
        ],
    }
    small = hash_input([1, 2, 5, 7], 'resize')
    out['resize'] = {
        'input': spec(small),
        'cases': [{'size': s, 'out': spec(F.interpolate(small, size=s, mode='bilinear', align_corners=False))} for s in ([11, 9], [3, 4], [5, 7])],
    }
    out['legendre'] = {str(n): [list(v) for v in np.polynomial.legendre.leggauss(n)] for n in (1, 2, 5, 16, 64)}
    save('vis', out)


if __name__ == '__main__':
    main()
