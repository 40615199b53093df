"""Writes test/fixtures/nn_layers.json, nn_conv_layers.json and nn_repr.json with PyTorch: every layer's
forward and gradients (train and eval mode), the activation functions, and module reprs / state-dict keys
(the losses' golden values are conformance cases: tools/gen_conformance_nn.py). Run: /usr/bin/python3 tools/gen_nn_fixtures.py"""
import torch
import torch.nn as nn

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
    conv_cases = conv_layers()
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
    save('nn_conv_layers', conv_cases)


def conv_layers():
    C = layer_case
    return [
        C('Conv1d(2,4,3)', lambda: nn.Conv1d(2, 4, 3), [(2, 2, 7)]),
        C('Conv2d(3,4,3,stride=2,padding=1)', lambda: nn.Conv2d(3, 4, 3, stride=2, padding=1), [(2, 3, 7, 7)]),
        C('Conv2d unbatched', lambda: nn.Conv2d(3, 2, 3), [(3, 5, 5)]),
        C("Conv2d(4,6,3,padding='same',groups=2,dilation=2,bias=False)", lambda: nn.Conv2d(4, 6, 3, padding='same', groups=2, dilation=2, bias=False), [(1, 4, 6, 6)]),
        C("Conv2d(2,3,3,padding=2,paddingMode='reflect')", lambda: nn.Conv2d(2, 3, 3, padding=2, padding_mode='reflect'), [(2, 2, 5, 5)]),
        C("Conv2d(2,3,(3,2),padding=1,paddingMode='circular')", lambda: nn.Conv2d(2, 3, (3, 2), padding=1, padding_mode='circular'), [(1, 2, 4, 5)]),
        C("Conv2d(2,2,4,padding='same',paddingMode='replicate')", lambda: nn.Conv2d(2, 2, 4, padding='same', padding_mode='replicate'), [(1, 2, 5, 5)]),
        C("Conv1d(2,2,3,padding='valid',paddingMode='reflect')", lambda: nn.Conv1d(2, 2, 3, padding='valid', padding_mode='reflect'), [(1, 2, 6)]),
        C('Conv3d(2,3,2,padding=(0,1,1))', lambda: nn.Conv3d(2, 3, 2, padding=(0, 1, 1)), [(1, 2, 3, 4, 4)]),
        C('ConvTranspose1d(2,3,3,stride=2)', lambda: nn.ConvTranspose1d(2, 3, 3, stride=2), [(2, 2, 4)]),
        C('ConvTranspose2d(4,2,3,stride=2,padding=1,outputPadding=1)', lambda: nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1), [(1, 4, 3, 3)]),
        C('ConvTranspose2d(4,6,3,stride=2,groups=2,dilation=2)', lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, groups=2, dilation=2), [(1, 4, 3, 3)]),
        C('ConvTranspose3d(2,2,2,stride=2,bias=False)', lambda: nn.ConvTranspose3d(2, 2, 2, stride=2, bias=False), [(1, 2, 2, 2, 2)]),
        C('MaxPool1d(3,stride=2)', lambda: nn.MaxPool1d(3, stride=2), [(2, 3, 9)]),
        C('MaxPool2d(2)', lambda: nn.MaxPool2d(2), [(2, 3, 6, 6)]),
        C('MaxPool2d(3,stride=2,padding=1,ceilMode)', lambda: nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), [(1, 2, 8, 8)]),
        C('MaxPool2d((2,3),dilation=2)', lambda: nn.MaxPool2d((2, 3), dilation=2), [(1, 2, 7, 9)]),
        C('MaxPool3d(2)', lambda: nn.MaxPool3d(2), [(1, 2, 4, 4, 4)]),
        C('AvgPool1d(3)', lambda: nn.AvgPool1d(3), [(2, 2, 9)]),
        C('AvgPool2d(2)', lambda: nn.AvgPool2d(2), [(2, 3, 6, 6)]),
        C('AvgPool2d(3,stride=2,padding=1,ceilMode,countIncludePad=False)', lambda: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), [(1, 2, 8, 8)]),
        C('AvgPool2d(2,divisorOverride=3)', lambda: nn.AvgPool2d(2, divisor_override=3), [(1, 2, 4, 4)]),
        C('AvgPool3d((1,2,2))', lambda: nn.AvgPool3d((1, 2, 2)), [(1, 2, 2, 4, 4)]),
        C('AdaptiveAvgPool1d(4)', lambda: nn.AdaptiveAvgPool1d(4), [(2, 3, 10)]),
        C('AdaptiveAvgPool2d((3,None))', lambda: nn.AdaptiveAvgPool2d((3, None)), [(1, 2, 7, 5)]),
        C('AdaptiveAvgPool2d(1)', lambda: nn.AdaptiveAvgPool2d(1), [(2, 3, 5, 5)]),
        C('AdaptiveAvgPool3d((2,3,1))', lambda: nn.AdaptiveAvgPool3d((2, 3, 1)), [(1, 2, 3, 5, 4)]),
        C('AdaptiveMaxPool1d(3)', lambda: nn.AdaptiveMaxPool1d(3), [(2, 2, 8)]),
        C('AdaptiveMaxPool2d((2,3))', lambda: nn.AdaptiveMaxPool2d((2, 3)), [(1, 2, 5, 7)]),
        C('ZeroPad2d((1,2,0,1))', lambda: nn.ZeroPad2d((1, 2, 0, 1)), [(1, 2, 3, 3)]),
        C('ReflectionPad2d(2)', lambda: nn.ReflectionPad2d(2), [(1, 2, 4, 4)]),
        C('ReflectionPad1d((2,1))', lambda: nn.ReflectionPad1d((2, 1)), [(2, 3, 4)]),
        C('ReplicationPad2d((1,0,2,1))', lambda: nn.ReplicationPad2d((1, 0, 2, 1)), [(1, 2, 3, 3)]),
        C('ReplicationPad3d(1)', lambda: nn.ReplicationPad3d(1), [(1, 1, 2, 2, 2)]),
        C('ConstantPad2d(1,3.5)', lambda: nn.ConstantPad2d(1, 3.5), [(1, 2, 3, 3)]),
        C('ConstantPad1d((2,-1),-1)', lambda: nn.ConstantPad1d((2, -1), -1.0), [(2, 4)]),
        C('LocalResponseNorm(3)', lambda: nn.LocalResponseNorm(3), [(2, 5, 4, 4)]),
        C('LocalResponseNorm(2,alpha=0.01,beta=0.5,k=2)', lambda: nn.LocalResponseNorm(2, alpha=0.01, beta=0.5, k=2.0), [(2, 4, 6)]),
        C('LeNet-style CNN', lambda: nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.Tanh(), nn.AvgPool2d(2), nn.Conv2d(6, 16, 3), nn.Tanh(), nn.AvgPool2d(2),
            nn.Flatten(), nn.Linear(64, 10)), [(2, 1, 12, 12)]),
        # no conv bias before BatchNorm: its gradient is exactly zero in theory, rounding noise in practice
        C('Conv-BN-ReLU-MaxPool train', lambda: nn.Sequential(nn.Conv2d(2, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2)), [(3, 2, 6, 6)] * 2),
    ]


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
    modules['conv'] = nn.Sequential(
        nn.Conv1d(2, 4, 3), nn.Conv2d(1, 6, 5, stride=2, padding=1, dilation=2, bias=False, padding_mode='reflect'),
        nn.Conv2d(4, 4, 3, padding='same', groups=2), nn.Conv3d(2, 2, (1, 2, 3), padding='valid'),
        nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1), nn.ConvTranspose1d(2, 2, 3), nn.ConvTranspose3d(4, 2, 2, groups=2),
        nn.MaxPool1d(2), nn.MaxPool2d(2), nn.MaxPool2d((3, 2), stride=1, padding=1, ceil_mode=True, return_indices=True), nn.MaxPool3d(2),
        nn.AvgPool1d(2), nn.AvgPool2d(2), nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False, divisor_override=2),
        nn.AvgPool3d((1, 2, 2)), nn.AdaptiveAvgPool1d(3), nn.AdaptiveAvgPool2d((5, None)), nn.AdaptiveAvgPool2d(1),
        nn.AdaptiveAvgPool3d((1, 2, 3)), nn.AdaptiveMaxPool1d(2), nn.AdaptiveMaxPool2d(4, return_indices=True),
        nn.ZeroPad2d(1), nn.ZeroPad2d((1, 2, 3, 4)), nn.ReflectionPad2d(2), nn.ReplicationPad2d((1, 0, 1, 0)), nn.ConstantPad2d(1, 3.5),
        nn.ConstantPad1d(2, 0.5), nn.ReflectionPad1d(1), nn.ReplicationPad3d(1), nn.ConstantPad3d(1, 2.0), nn.ReflectionPad3d(1),
        nn.ReplicationPad1d((1, 2)), nn.LocalResponseNorm(5), nn.LocalResponseNorm(3, alpha=2e-5, beta=0.5, k=2.0))
    out = {}
    for name, m in modules.items():
        out[name] = {'repr': repr(m), 'stateDictKeys': list(m.state_dict().keys()),
                     'shapes': {k: list(v.shape) for k, v in m.state_dict().items()},
                     'namedParameters': [k for k, _ in m.named_parameters()], 'namedModules': [k for k, _ in m.named_modules()]}
    save('nn_repr', out)


layers()
reprs()
