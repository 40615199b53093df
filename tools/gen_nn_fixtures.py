"""Writes test/fixtures/nn_layers.json, nn_functional.json, nn_losses.json and nn_repr.json with PyTorch:
every layer's forward and gradients (train and eval mode), the activation functions, every loss with its
options, and module reprs / state-dict keys. Run: /usr/bin/python3 tools/gen_nn_fixtures.py"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from fixtures import save, spec, state_spec

torch.manual_seed(0)


def layer_case(name, make, shapes, train=True, extra_inputs=()):
    """Runs the module on each input (several batches move BatchNorm's running statistics), then
    backpropagates a fixed random gradient from the last output."""
    m = make()
    m.train(train)
    state = state_spec(m)
    inputs = [torch.randn(*s) * 2 for s in shapes]
    for special in extra_inputs:
        inputs[-1].view(-1)[: len(special)] = torch.tensor(special)
    outputs = []
    for x in inputs[:-1]:
        outputs.append(spec(m(x)))
    x = inputs[-1].clone().requires_grad_(True)
    out = m(x)
    outputs.append(spec(out))
    grad_out = torch.randn(*out.shape)
    out.backward(grad_out)
    return {
        'name': name, 'train': train, 'state': state, 'inputs': [spec(t) for t in inputs], 'outputs': outputs,
        'gradOutput': spec(grad_out), 'inputGrad': spec(x.grad),
        'paramGrads': {k: spec(p.grad) for k, p in m.named_parameters()}, 'stateAfter': state_spec(m),
    }


def layers():
    # exact kinks and saturation points of the activations
    specials = [0.0, 6.0, -1e-3, 25.0, -30.0, 1e-8]
    cases = [
        layer_case('Linear(5,3)', lambda: nn.Linear(5, 3), [(4, 5)]),
        layer_case('Linear(5,3,bias=False)', lambda: nn.Linear(5, 3, bias=False), [(2, 3, 5)]),
        layer_case('Identity', nn.Identity, [(2, 3)]),
        layer_case('Flatten()', nn.Flatten, [(2, 3, 2, 2)]),
        layer_case('Flatten(0,2)', lambda: nn.Flatten(0, 2), [(2, 3, 2, 2)]),
        layer_case('Unflatten(1,(2,3))', lambda: nn.Unflatten(1, (2, 3)), [(4, 6)]),
        layer_case('ReLU', nn.ReLU, [(4, 6)], extra_inputs=[specials]),
        layer_case('ReLU6', nn.ReLU6, [(4, 6)], extra_inputs=[specials]),
        layer_case('LeakyReLU(0.2)', lambda: nn.LeakyReLU(0.2), [(4, 6)], extra_inputs=[specials]),
        layer_case('ELU(0.5)', lambda: nn.ELU(0.5), [(4, 6)], extra_inputs=[specials]),
        layer_case('GELU', nn.GELU, [(4, 6)], extra_inputs=[specials]),
        layer_case("GELU('tanh')", lambda: nn.GELU('tanh'), [(4, 6)], extra_inputs=[specials]),
        layer_case('SiLU', nn.SiLU, [(4, 6)], extra_inputs=[specials]),
        layer_case('Sigmoid', nn.Sigmoid, [(4, 6)], extra_inputs=[specials]),
        layer_case('Tanh', nn.Tanh, [(4, 6)], extra_inputs=[specials]),
        layer_case('Softmax(1)', lambda: nn.Softmax(1), [(4, 6)], extra_inputs=[[100.0, 101.0, -100.0]]),
        layer_case('Softmax(0)', lambda: nn.Softmax(0), [(4, 3, 2)]),
        layer_case('LogSoftmax(-1)', lambda: nn.LogSoftmax(-1), [(4, 6)], extra_inputs=[[1000.0, -1000.0, 0.0]]),
        layer_case('Softplus', nn.Softplus, [(4, 6)], extra_inputs=[specials]),
        layer_case('Softplus(2,5)', lambda: nn.Softplus(2, 5), [(4, 6)], extra_inputs=[[2.5, 2.4, 2.6, -3.0]]),
        layer_case('BatchNorm1d(5) train', lambda: nn.BatchNorm1d(5), [(8, 5), (8, 5)]),
        layer_case('BatchNorm1d(5) eval', lambda: nn.BatchNorm1d(5), [(8, 5)], train=False),
        layer_case('BatchNorm1d(3) 3d', lambda: nn.BatchNorm1d(3), [(4, 3, 5)]),
        layer_case('BatchNorm2d(3) train', lambda: nn.BatchNorm2d(3), [(4, 3, 4, 4), (4, 3, 4, 4)]),
        layer_case('BatchNorm2d(3) momentum None', lambda: nn.BatchNorm2d(3, momentum=None), [(2, 3, 3, 3)] * 3),
        layer_case('BatchNorm2d(3) affine False', lambda: nn.BatchNorm2d(3, affine=False), [(2, 3, 3, 3)]),
        layer_case('BatchNorm2d(3) no running stats eval', lambda: nn.BatchNorm2d(3, track_running_stats=False), [(2, 3, 3, 3)], train=False),
        layer_case('BatchNorm3d(2) train', lambda: nn.BatchNorm3d(2, eps=1e-3, momentum=0.3), [(2, 2, 2, 3, 3)]),
        layer_case('Dropout eval', lambda: nn.Dropout(0.5), [(4, 6)], train=False),
        layer_case('Dropout(p=0) train', lambda: nn.Dropout(0.0), [(4, 6)]),
        layer_case('Dropout2d eval', lambda: nn.Dropout2d(0.3), [(2, 3, 2, 2)], train=False),
        layer_case('Sequential MLP', lambda: nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.Tanh(), nn.Linear(6, 2)), [(5, 4)]),
    ]
    # a BatchNorm layer trained a few batches, then evaluated with its running statistics
    bn = nn.BatchNorm2d(3)
    for _ in range(3):
        bn(torch.randn(4, 3, 2, 2) * 3 + 1)
    bn.eval()
    trained = state_spec(bn)
    x = torch.randn(2, 3, 2, 2).requires_grad_(True)
    out = bn(x)
    g = torch.randn(*out.shape)
    out.backward(g)
    cases.append({'name': 'BatchNorm2d(3) eval after training', 'train': False, 'state': trained, 'inputs': [spec(x)],
                  'outputs': [spec(out)], 'gradOutput': spec(g), 'inputGrad': spec(x.grad),
                  'paramGrads': {k: spec(p.grad) for k, p in bn.named_parameters()}, 'stateAfter': state_spec(bn)})
    save('nn_layers', cases)


def loss_case(name, fn, inputs, target, grad_none=True):
    x = inputs.clone().requires_grad_(True)
    out = fn(x, target)
    g = torch.randn(*out.shape) if out.dim() > 0 else torch.tensor(1.0)
    out.backward(g)
    return {'name': name, 'input': spec(inputs), 'target': spec(target), 'output': spec(out), 'gradOutput': spec(g), 'inputGrad': spec(x.grad)}


def losses():
    n, c = 6, 4
    logits = torch.randn(n, c) * 3
    classes = torch.randint(0, c, (n,))
    ignored = classes.clone()
    ignored[1] = -100
    ignored[4] = -100
    weight = torch.rand(c) + 0.5
    probs = torch.softmax(torch.randn(n, c), 1)
    logits4d = torch.randn(2, c, 3, 2)
    classes4d = torch.randint(0, c, (2, 3, 2))
    huge = torch.tensor([[1000.0, -1000.0, 0.0, 500.0], [-1e4, 1e4, 3.0, 0.0]])
    cases = []
    for red in ['none', 'mean', 'sum']:
        cases += [
            loss_case(f'crossEntropy {red}', lambda x, t: F.cross_entropy(x, t, reduction=red), logits, classes),
            loss_case(f'crossEntropy weight {red}', lambda x, t: F.cross_entropy(x, t, weight=weight, reduction=red), logits, classes),
            loss_case(f'crossEntropy ignoreIndex {red}', lambda x, t: F.cross_entropy(x, t, reduction=red), logits, ignored),
            loss_case(f'crossEntropy ignoreIndex=2 weight {red}', lambda x, t: F.cross_entropy(x, t, weight=weight, ignore_index=2, reduction=red), logits, classes),
            loss_case(f'crossEntropy labelSmoothing {red}', lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1, reduction=red), logits, ignored),
            loss_case(f'crossEntropy labelSmoothing weight {red}', lambda x, t: F.cross_entropy(x, t, weight=weight, label_smoothing=0.2, reduction=red), logits, ignored),
            loss_case(f'crossEntropy probabilities {red}', lambda x, t: F.cross_entropy(x, t, reduction=red), logits, probs),
            loss_case(f'crossEntropy probabilities smoothing weight {red}', lambda x, t: F.cross_entropy(x, t, weight=weight, label_smoothing=0.3, reduction=red), logits, probs),
            loss_case(f'crossEntropy 4d {red}', lambda x, t: F.cross_entropy(x, t, weight=weight, reduction=red), logits4d, classes4d),
            loss_case(f'crossEntropy large logits {red}', lambda x, t: F.cross_entropy(x, t, reduction=red), huge, torch.tensor([1, 0])),
            loss_case(f'nllLoss {red}', lambda x, t: F.nll_loss(x, t, weight=weight, reduction=red), torch.log_softmax(logits, 1), ignored),
            loss_case(f'mseLoss {red}', lambda x, t: F.mse_loss(x, t, reduction=red), logits, probs),
            loss_case(f'l1Loss {red}', lambda x, t: F.l1_loss(x, t, reduction=red), logits, probs),
            loss_case(f'smoothL1Loss {red}', lambda x, t: F.smooth_l1_loss(x, t, reduction=red), logits, probs),
            loss_case(f'smoothL1Loss beta=0.5 {red}', lambda x, t: F.smooth_l1_loss(x, t, beta=0.5, reduction=red), logits, probs),
            loss_case(f'huberLoss {red}', lambda x, t: F.huber_loss(x, t, reduction=red), logits, probs),
            loss_case(f'huberLoss delta=2 {red}', lambda x, t: F.huber_loss(x, t, delta=2.0, reduction=red), logits, probs),
            loss_case(f'binaryCrossEntropy {red}', lambda x, t: F.binary_cross_entropy(x, t, reduction=red), torch.sigmoid(logits), probs),
            loss_case(f'binaryCrossEntropy weight {red}', lambda x, t: F.binary_cross_entropy(x, t, weight=weight, reduction=red), torch.sigmoid(logits), probs),
            loss_case(f'binaryCrossEntropyWithLogits {red}', lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction=red), logits, probs),
            loss_case(f'binaryCrossEntropyWithLogits posWeight weight {red}', lambda x, t: F.binary_cross_entropy_with_logits(x, t, weight=weight, pos_weight=weight * 2, reduction=red), logits * 10, probs),
            loss_case(f'klDiv {red}', lambda x, t: F.kl_div(x, t, reduction=red), torch.log_softmax(logits, 1), probs),
            loss_case(f'klDiv logTarget {red}', lambda x, t: F.kl_div(x, t, reduction=red, log_target=True), torch.log_softmax(logits, 1), torch.log(probs)),
        ]
    zero_target = probs.clone()
    zero_target[0, :2] = 0
    cases += [
        loss_case('crossEntropy unbatched mean', lambda x, t: F.cross_entropy(x, t), logits[0], classes[0]),
        loss_case('crossEntropy unbatched none', lambda x, t: F.cross_entropy(x, t, reduction='none'), logits[0], classes[0]),
        loss_case('crossEntropy all ignored mean', lambda x, t: F.cross_entropy(x, t), logits[:2], torch.tensor([-100, -100])),
        loss_case('klDiv batchmean', lambda x, t: F.kl_div(x, t, reduction='batchmean'), torch.log_softmax(logits, 1), zero_target),
        loss_case('binaryCrossEntropy saturated', lambda x, t: F.binary_cross_entropy(x, t), torch.tensor([0.0, 1.0, 1e-30, 0.5]), torch.tensor([1.0, 0.0, 1.0, 0.5])),
    ]
    save('nn_losses', cases)
    save('nn_losses_weight', {'weight': spec(weight)})


def reprs():
    class LeNet5(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Dropout(0.25))
            self.bn = nn.BatchNorm1d(6, momentum=None)
            self.classifier = nn.Sequential(nn.Linear(6, 5), nn.ReLU(inplace=True), nn.Linear(5, 3, bias=False))
            self.heads = nn.ModuleList([nn.Linear(3, 2), nn.LeakyReLU(0.2)])
            self.named = nn.ModuleDict({'act': nn.GELU(), 'soft': nn.Softmax(dim=1)})

        def forward(self, x):
            return x

    shared = nn.Linear(2, 2)
    modules = {
        'LeNet5': LeNet5(),
        'named Sequential': nn.Sequential(__import__('collections').OrderedDict([('fc', nn.Linear(3, 2)), ('act', nn.ELU())])),
        'shared': nn.Sequential(shared, nn.ReLU(), shared),
        'misc': nn.Sequential(nn.Flatten(), nn.Unflatten(1, (2, 5)), nn.ReLU6(), nn.SiLU(), nn.Sigmoid(), nn.Softplus(), nn.LogSoftmax(dim=-1),
                              nn.BatchNorm2d(4, eps=1e-3, affine=False), nn.BatchNorm3d(2, track_running_stats=False), nn.Dropout2d(), nn.Identity(),
                              nn.CrossEntropyLoss(weight=torch.ones(3)), nn.BCEWithLogitsLoss(pos_weight=torch.ones(2)), nn.MSELoss()),
    }
    out = {}
    for name, m in modules.items():
        out[name] = {'repr': repr(m), 'stateDictKeys': list(m.state_dict().keys()),
                     'shapes': {k: list(v.shape) for k, v in m.state_dict().items()},
                     'namedParameters': [k for k, _ in m.named_parameters()], 'namedModules': [k for k, _ in m.named_modules()]}
    save('nn_repr', out)


layers()
losses()
reprs()
