"""Writes test/fixtures/ops_more.json and nn_more.json with PyTorch 1.13: forward values and gradients of the
ops and layers of issue 13 item 4 (sort/topk, masks and scatters, indexing with tensors, einsum, repeat/flip/roll,
norm, cumsum, one_hot, normalize, interpolate, the normalisation layers, PReLU/Hardswish/Hardsigmoid/Mish,
PixelShuffle, Embedding), their module reprs, and the values seen by hooks and a custom autograd.Function (item 5).
Run: /usr/bin/python3 tools/gen_ops_more_fixtures.py"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from fixtures import save, spec, state_spec

torch.manual_seed(0)


def distinct(*shape):
    """Random values without ties (sort/topk orders are then unique)."""
    n = 1
    for s in shape:
        n *= s
    return (torch.randperm(n).float() / 7 - n / 14 + torch.rand(n) * 0.1).reshape(shape)


def op_case(name, fn, inputs, grad=True):
    """Runs fn on the inputs (floating ones require grad) and backpropagates random gradients from every
    floating output."""
    xs = [t.clone().requires_grad_(grad and t.is_floating_point()) for t in inputs]
    out = fn(*xs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    diff = [o for o in outs if o.is_floating_point() and o.requires_grad]
    grads = [torch.randn(o.shape) for o in diff]
    if diff:
        torch.autograd.backward(diff, grads)
    return {
        'name': name, 'inputs': [spec(t) for t in inputs], 'outputs': [spec(o) for o in outs],
        'gradOutputs': [spec(g) for g in grads],
        'inputGrads': [spec(x.grad) if x.grad is not None else (spec(torch.zeros_like(x)) if x.requires_grad else None) for x in xs],
    }


def ops():
    a = distinct(3, 5)
    b = distinct(2, 3, 4)
    ties = torch.tensor([[2., 1., 2., 0., 1.], [3., 3., 1., 1., 3.]])
    m = torch.randn(4, 3)
    mask = m > 0
    idx = torch.tensor([2, 0, 2, 1])
    cases = [
        op_case('sort', lambda x: torch.sort(x), [a]),
        op_case('sort(0, descending)', lambda x: torch.sort(x, 0, True), [a]),
        op_case('sort(1) 3d', lambda x: torch.sort(x, 1), [b]),
        op_case('sort stable ties', lambda x: torch.sort(x, dim=1, stable=True), [ties]),
        op_case('sort stable ties descending', lambda x: torch.sort(x, dim=1, descending=True, stable=True), [ties]),
        op_case('argsort', lambda x: torch.argsort(x, 1, True), [a]),
        op_case('topk(2)', lambda x: torch.topk(x, 2), [a]),
        op_case('topk(2, 0, largest=False)', lambda x: torch.topk(x, 2, 0, False), [a]),
        op_case('topk(3, 2) 3d', lambda x: torch.topk(x, 3, 2), [b]),
        op_case('unique', lambda x: torch.unique(x, return_inverse=True, return_counts=True), [ties], grad=False),
        op_case('unique dim 0', lambda x: torch.unique(x, dim=0, return_inverse=True, return_counts=True), [torch.tensor([[1, 2], [0, 5], [1, 2], [0, 3]], dtype=torch.int32)], grad=False),
        op_case('unique dim 1', lambda x: torch.unique(x, dim=1), [torch.tensor([[1., 0., 1.], [2., 5., 2.]])], grad=False),
        op_case('maskedFill scalar', lambda x: x.masked_fill(mask, -2.5), [m]),
        op_case('maskedFill broadcast row mask', lambda x: x.masked_fill(torch.tensor([True, False, True]), 0.0), [m]),
        op_case('maskedFill tensor value', lambda x, v: x.masked_fill(mask, v), [m, torch.tensor(1.5)]),
        op_case('scatter src', lambda x, s: torch.scatter(x, 1, torch.tensor([[2, 0], [1, 2], [0, 1], [2, 1]]), s), [m, torch.randn(4, 2)]),
        op_case('scatter dim0', lambda x, s: torch.scatter(x, 0, torch.tensor([[3, 0, 1], [1, 2, 0]]), s), [m, torch.randn(2, 3)]),
        op_case('scatter value', lambda x: torch.scatter(x, 1, torch.tensor([[0], [2], [1], [0]]), 7.0), [m]),
        op_case('scatter_ reduce add', lambda x: x.clone().scatter_(1, torch.tensor([[0, 0], [2, 1], [1, 1], [0, 2]]), 1.5, reduce='add'), [m], grad=False),
        op_case('einsum ij,jk->ik', lambda x, y: torch.einsum('ij,jk->ik', x, y), [torch.randn(3, 4), torch.randn(4, 5)]),
        op_case('einsum bij,bjk->bik', lambda x, y: torch.einsum('bij,bjk->bik', x, y), [torch.randn(2, 3, 4), torch.randn(2, 4, 2)]),
        op_case('einsum ii->i', lambda x: torch.einsum('ii->i', x), [torch.randn(4, 4)]),
        op_case('einsum ii', lambda x: torch.einsum('ii', x), [torch.randn(4, 4)]),
        op_case('einsum ij->ji', lambda x: torch.einsum('ij->ji', x), [torch.randn(3, 4)]),
        op_case('einsum i,i->', lambda x, y: torch.einsum('i,i->', x, y), [torch.randn(5), torch.randn(5)]),
        op_case('einsum i,j->ij', lambda x, y: torch.einsum('i,j->ij', x, y), [torch.randn(3), torch.randn(4)]),
        op_case('einsum ...ij,...jk->...ik broadcast', lambda x, y: torch.einsum('...ij,...jk->...ik', x, y), [torch.randn(2, 1, 3, 4), torch.randn(5, 4, 2)]),
        op_case('einsum bhwc,co->bhwo', lambda x, y: torch.einsum('bhwc,co->bhwo', x, y), [torch.randn(2, 3, 3, 4), torch.randn(4, 5)]),
        op_case('einsum ijk,ikl,ilm->ijm', lambda x, y, z: torch.einsum('ijk,ikl,ilm->ijm', x, y, z), [torch.randn(2, 3, 4), torch.randn(2, 4, 2), torch.randn(2, 2, 3)]),
        op_case('einsum ij->', lambda x: torch.einsum('ij->', x), [torch.randn(3, 4)]),
        op_case('einsum implicit ij,jk', lambda x, y: torch.einsum('ij,jk', x, y), [torch.randn(3, 4), torch.randn(4, 2)]),
        op_case('einsum bij->j with sum', lambda x: torch.einsum('bij->j', x), [torch.randn(2, 3, 4)]),
        op_case('repeat(2,1,3)', lambda x: x.repeat(2, 1, 3), [torch.randn(2, 3)]),
        op_case('repeat(2,2)', lambda x: x.repeat(2, 2), [torch.randn(2, 3)]),
        op_case('flip([0,2])', lambda x: torch.flip(x, [0, 2]), [torch.randn(2, 3, 4)]),
        op_case('flip(-1)', lambda x: torch.flip(x, [-1]), [torch.randn(3, 4)]),
        op_case('roll(2, 1)', lambda x: torch.roll(x, 2, 1), [torch.randn(3, 5)]),
        op_case('roll(3) flat', lambda x: torch.roll(x, 3), [torch.randn(3, 5)]),
        op_case('roll((1,-2),(0,1))', lambda x: torch.roll(x, (1, -2), (0, 1)), [torch.randn(3, 5)]),
        op_case('norm', lambda x: torch.norm(x), [torch.randn(3, 4)]),
        op_case('norm(1, 1)', lambda x: torch.norm(x, 1, 1), [torch.randn(3, 4)]),
        op_case('norm(3, (0,1), keepdim)', lambda x: torch.norm(x, 3, (0, 1), True), [torch.randn(2, 3, 4)]),
        op_case('norm(inf, 1)', lambda x: torch.norm(x, float('inf'), 1), [distinct(3, 4)]),
        op_case('norm(2, 1) zero row', lambda x: torch.norm(x, 2, 1), [torch.tensor([[0., 0., 0.], [3., -4., 0.]])]),
        op_case('norm(0)', lambda x: torch.norm(x, 0), [torch.tensor([[0., 1., 0.], [2., 0., -3.]])]),
        op_case('x.norm(dim=0)', lambda x: x.norm(dim=0), [torch.randn(3, 4)]),
        op_case('cumsum(0)', lambda x: torch.cumsum(x, 0), [torch.randn(5, 3)]),
        op_case('cumsum(1)', lambda x: torch.cumsum(x, 1), [torch.randn(3, 7)]),
        op_case('cumsum int', lambda x: torch.cumsum(x, 0), [torch.tensor([3, -1, 4, 1, 5], dtype=torch.int32)]),
        op_case('nonzero', lambda x: torch.nonzero(x), [torch.tensor([[0., 1., 0.], [2., 0., -3.]])]),
        op_case('nonzero asTuple', lambda x: torch.nonzero(x, as_tuple=True), [torch.tensor([[0., 1., 0.], [2., 0., -3.]])]),
        op_case('oneHot', lambda x: F.one_hot(x, 5), [torch.tensor([0, 3, 1, 4])]),
        op_case('oneHot inferred 2d', lambda x: F.one_hot(x), [torch.tensor([[0, 2], [1, 0]])]),
        op_case('normalize', lambda x: F.normalize(x), [torch.randn(3, 4)]),
        op_case('normalize(p=1, dim=0)', lambda x: F.normalize(x, p=1.0, dim=0), [torch.randn(3, 4)]),
        op_case('mm', lambda x, y: torch.mm(x, y), [torch.randn(3, 4), torch.randn(4, 2)]),
        op_case('bmm', lambda x, y: torch.bmm(x, y), [torch.randn(2, 3, 4), torch.randn(2, 4, 2)]),
        op_case('T', lambda x: x.T, [torch.randn(3, 4)]),
        op_case('mT', lambda x: x.mT, [torch.randn(2, 3, 4)]),
        op_case('index int tensor', lambda x: x[idx], [torch.randn(3, 4)]),
        op_case('index negative', lambda x: x[torch.tensor([-1, 0])], [torch.randn(3, 4)]),
        op_case('index [:, idx2d]', lambda x: x[:, torch.tensor([[0, 3], [1, 1]])], [torch.randn(3, 4)]),
        op_case('index bool mask', lambda x: x[mask], [m]),
        op_case('index bool mask leading dims', lambda x: x[torch.tensor([[True, False, True], [False, True, False]])], [torch.randn(2, 3, 4)]),
        op_case('index idx,:,idx non-adjacent', lambda x: x[torch.tensor([0, 1, 1]), :, torch.tensor([2, 0, 3])], [torch.randn(2, 3, 4)]),
        op_case('index ...,idx', lambda x: x[..., torch.tensor([1, 0])], [torch.randn(2, 3, 4)]),
        op_case('index 0,:,idx', lambda x: x[0, :, torch.tensor([1, 3, 3])], [torch.randn(2, 3, 4)]),
        op_case('index :,idx,idx adjacent', lambda x: x[:, torch.tensor([0, 2]), torch.tensor([1, 3])], [torch.randn(2, 3, 4)]),
        op_case('maskedSelect', lambda x: torch.masked_select(x, mask), [m]),
        op_case('indexPut mask scalar', lambda x: x.index_put((mask,), torch.tensor(0.)), [m]),
        op_case('indexPut mask values', lambda x, v: x.index_put((mask,), v), [m, torch.randn(int(mask.sum()))]),
        op_case('indexPut idx rows', lambda x, v: x.index_put((torch.tensor([1, 3]),), v), [m, torch.randn(3)]),
        op_case('indexPut accumulate', lambda x, v: x.index_put((torch.tensor([1, 1, 0]),), v, accumulate=True), [m, torch.randn(3, 3)]),
    ]
    return cases


def layer_case(name, make, shapes, train=True, specials=None, int_input=None):
    m = make()
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn(p.shape) * 0.5 + (1 if p.ndim >= 1 and 'weight' in name.lower() else 0))
    m.train(train)
    state = state_spec(m)
    if int_input is not None:
        inputs = [int_input]
    else:
        inputs = [torch.randn(*s) * 2 for s in shapes]
        if specials:
            inputs[-1].view(-1)[: len(specials)] = torch.tensor(specials)
    outputs = [spec(m(x)) for x in inputs[:-1]]
    x = inputs[-1].clone().requires_grad_(inputs[-1].is_floating_point())
    out = m(x)
    outputs.append(spec(out))
    grad_out = torch.randn(*out.shape)
    out.backward(grad_out)
    return {
        'name': name, 'train': train, 'state': state, 'inputs': [spec(t) for t in inputs], 'outputs': outputs,
        'gradOutput': spec(grad_out), 'inputGrad': spec(x.grad) if x.grad is not None else None,
        'paramGrads': {k: spec(p.grad) for k, p in m.named_parameters() if p.grad is not None},
        'stateAfter': state_spec(m), 'repr': repr(m),
    }


def layers():
    kinks = [-3.0, 3.0, 0.0, -2.999, 2.999, -6.0, 6.0, 25.0, -30.0]
    return [
        layer_case('LayerNorm(5)', lambda: nn.LayerNorm(5), [(4, 5)]),
        layer_case('LayerNorm((3,4), eps=1e-3)', lambda: nn.LayerNorm((3, 4), eps=1e-3), [(2, 3, 4)]),
        layer_case('LayerNorm(4, elementwise_affine=False)', lambda: nn.LayerNorm(4, elementwise_affine=False), [(2, 3, 4)]),
        layer_case('GroupNorm(2,6)', lambda: nn.GroupNorm(2, 6), [(3, 6, 4, 4)]),
        layer_case('GroupNorm(3,6,affine=False)', lambda: nn.GroupNorm(3, 6, affine=False), [(2, 6, 5)]),
        layer_case('InstanceNorm1d(3)', lambda: nn.InstanceNorm1d(3), [(2, 3, 6)]),
        layer_case('InstanceNorm2d(3, affine=True)', lambda: nn.InstanceNorm2d(3, affine=True), [(2, 3, 4, 5)]),
        layer_case('InstanceNorm2d(3) unbatched', lambda: nn.InstanceNorm2d(3), [(3, 4, 5)]),
        layer_case('InstanceNorm2d(3, track_running_stats=True) train', lambda: nn.InstanceNorm2d(3, track_running_stats=True), [(2, 3, 4, 4), (2, 3, 4, 4)]),
        layer_case('InstanceNorm2d(3, track_running_stats=True) eval', lambda: nn.InstanceNorm2d(3, momentum=0.2, track_running_stats=True), [(2, 3, 4, 4)], train=False),
        layer_case('InstanceNorm3d(2, affine=True)', lambda: nn.InstanceNorm3d(2, affine=True), [(2, 2, 3, 3, 3)]),
        layer_case('PReLU()', lambda: nn.PReLU(), [(4, 3, 2)], specials=[0.0, -1.0]),
        layer_case('PReLU(3)', lambda: nn.PReLU(3), [(4, 3, 2, 2)], specials=[0.0, -1.0]),
        layer_case('Hardswish', nn.Hardswish, [(3, 4)], specials=kinks),
        layer_case('Hardsigmoid', nn.Hardsigmoid, [(3, 4)], specials=kinks),
        layer_case('Mish', nn.Mish, [(3, 4)], specials=[0.0, 25.0, -30.0]),
        layer_case('PixelShuffle(2)', lambda: nn.PixelShuffle(2), [(2, 8, 3, 3)]),
        layer_case('PixelUnshuffle(2)', lambda: nn.PixelUnshuffle(2), [(2, 2, 4, 6)]),
        layer_case('Embedding(10,3)', lambda: nn.Embedding(10, 3), [], int_input=torch.tensor([[1, 2, 4, 5], [4, 3, 2, 9]])),
        layer_case('Embedding(10,3,padding_idx=2)', lambda: nn.Embedding(10, 3, padding_idx=2), [], int_input=torch.tensor([[1, 2, 4, 2], [4, 3, 2, 9]])),
        layer_case('Embedding(6,4,max_norm=1.0)', lambda: nn.Embedding(6, 4, max_norm=1.0), [], int_input=torch.tensor([0, 2, 5, 2])),
        layer_case("Upsample(scale_factor=2)", lambda: nn.Upsample(scale_factor=2), [(2, 3, 3, 4)]),
        layer_case("Upsample(size=(5,7))", lambda: nn.Upsample(size=(5, 7)), [(1, 2, 3, 4)]),
        layer_case("Upsample(scale_factor=1.5)", lambda: nn.Upsample(scale_factor=1.5), [(1, 2, 4, 5)]),
        layer_case("Upsample(size=(3,2)) down", lambda: nn.Upsample(size=(3, 2)), [(1, 2, 7, 5)]),
        layer_case("Upsample(scale_factor=1.7, mode='nearest-exact')", lambda: nn.Upsample(scale_factor=1.7, mode='nearest-exact'), [(1, 2, 4, 5)]),
        layer_case("Upsample(scale_factor=2, mode='bilinear')", lambda: nn.Upsample(scale_factor=2, mode='bilinear'), [(2, 2, 3, 4)]),
        layer_case("Upsample(scale_factor=2, mode='bilinear', align_corners=True)", lambda: nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True), [(2, 2, 3, 4)]),
        layer_case("Upsample(size=(5,3), mode='bilinear')", lambda: nn.Upsample(size=(5, 3), mode='bilinear'), [(1, 2, 8, 6)]),
        layer_case("Upsample(scale_factor=(1.5,2.5), mode='bilinear')", lambda: nn.Upsample(scale_factor=(1.5, 2.5), mode='bilinear'), [(1, 2, 4, 3)]),
        layer_case("Upsample(scale_factor=2, mode='bicubic')", lambda: nn.Upsample(scale_factor=2, mode='bicubic'), [(1, 2, 4, 5)]),
        layer_case("Upsample(scale_factor=2, mode='bicubic', align_corners=True)", lambda: nn.Upsample(scale_factor=2, mode='bicubic', align_corners=True), [(1, 2, 4, 5)]),
        layer_case("Upsample(size=(7,3), mode='bicubic')", lambda: nn.Upsample(size=(7, 3), mode='bicubic'), [(1, 1, 5, 6)]),
        layer_case("Upsample(scale_factor=3, mode='linear')", lambda: nn.Upsample(scale_factor=3, mode='linear'), [(2, 3, 4)]),
        layer_case("Upsample(size=(3,4,5), mode='trilinear', align_corners=True)", lambda: nn.Upsample(size=(3, 4, 5), mode='trilinear', align_corners=True), [(1, 2, 2, 3, 3)]),
        layer_case("Upsample(size=(3,2), mode='area')", lambda: nn.Upsample(size=(3, 2), mode='area'), [(1, 2, 7, 5)]),
        layer_case('UpsamplingNearest2d(scale_factor=3)', lambda: nn.UpsamplingNearest2d(scale_factor=3), [(1, 2, 2, 3)]),
        layer_case('UpsamplingBilinear2d(size=(4,6))', lambda: nn.UpsamplingBilinear2d(size=(4, 6)), [(1, 2, 3, 4)]),
    ]


def hooks():
    """A full backward hook on the second conv records gradInput/gradOutput and halves gradInput; a tensor
    hook on the hidden activation adds 1; a custom Function (x·|x| with its hand-written gradient)."""
    torch.manual_seed(1)
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Conv2d(2, 1, 3))
    seen = {}

    def hook(module, grad_input, grad_output):
        seen['gradInput'] = spec(grad_input[0])
        seen['gradOutput'] = spec(grad_output[0])
        return (grad_input[0] * 0.5,)

    net[2].register_full_backward_hook(hook)
    x = torch.randn(2, 1, 6, 6, requires_grad=True)
    h = net[1](net[0](x))
    h.register_hook(lambda g: g + 1)
    out = net[2](h)
    out.sum().backward()

    class SquareAbs(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t, scale):
            ctx.save_for_backward(t)
            ctx.scale = scale
            return t * t.abs() * scale

        @staticmethod
        def backward(ctx, g):
            (t,) = ctx.saved_tensors
            return g * 2 * t.abs() * ctx.scale, None

    u = torch.randn(5, requires_grad=True)
    v = SquareAbs.apply(u, 3.0)
    gv = torch.randn(5)
    v.backward(gv)
    return {
        'state': state_spec(net), 'input': spec(x), 'output': spec(out), 'seen': seen,
        'inputGrad': spec(x.grad), 'paramGrads': {k: spec(p.grad) for k, p in net.named_parameters()},
        'function': {'input': spec(u), 'output': spec(v), 'gradOutput': spec(gv), 'inputGrad': spec(u.grad)},
    }


def training():
    """Three SGD steps (momentum 0.9) of a small encoder-decoder built from the new layers, cross-entropy per pixel."""
    torch.manual_seed(2)
    net = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.GroupNorm(2, 4), nn.PReLU(4), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, padding=1), nn.InstanceNorm2d(6, affine=True), nn.Hardswish(),
        nn.Upsample(scale_factor=2, mode='bilinear'), nn.Conv2d(6, 3, 1), nn.Mish(), nn.LayerNorm([3, 8, 8]),
    )
    state = state_spec(net)
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(4, 1, 8, 8)
    y = torch.randint(0, 3, (4, 8, 8))
    losses = []
    for _ in range(3):
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return {'state': state, 'input': spec(x), 'target': spec(y), 'losses': losses, 'stateAfter': state_spec(net)}


if __name__ == '__main__':
    save('ops_more', {'cases': ops()})
    save('nn_more', {'layers': layers(), 'hooks': hooks(), 'training': training()})
