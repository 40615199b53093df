"""Writes test/fixtures/optim.json (each optimiser's parameter trajectory on a small CNN, with parameter
groups and schedules), lr_schedulers.json (every scheduler's lr, epoch by epoch) and nn_utils.json (gradient
clipping) with PyTorch 1.13. Run: /usr/bin/python3 tools/gen_optim_fixtures.py"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim import lr_scheduler as S

from fixtures import save, spec, state_spec

torch.manual_seed(0)
STEPS = 5


def make_model():
    # BatchNorm after the nonlinearity: right before it, the conv bias would get a gradient that is zero up to
    # rounding, which Adam-like optimisers blow up to full-size steps of noise
    return nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.Tanh(), nn.BatchNorm2d(3), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(12, 3))


x = torch.randn(8, 1, 4, 4)
y = torch.randint(0, 3, (8,))
base = make_model()
initial = state_spec(base)


def trajectory(make_opt, make_sched=None):
    model = make_model()
    model.load_state_dict(base.state_dict())
    opt = make_opt(model)
    sched = make_sched(opt) if make_sched else None
    losses, params, lrs = [], [], []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        if sched:
            sched.step()
        losses.append(loss.item())
        params.append(spec(torch.nn.utils.parameters_to_vector(model.parameters())))
        lrs.append([g['lr'] for g in opt.param_groups])
    return {'losses': losses, 'params': params, 'lrs': lrs}


def groups(model, **second):
    """The convolutional part and the classifier, with different options."""
    return [{'params': [*model[0].parameters(), *model[2].parameters()]}, {'params': model[5].parameters(), **second}]


optim_cases = {
    'SGD': lambda m: torch.optim.SGD(m.parameters(), lr=0.1),
    'SGD momentum': lambda m: torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9),
    'SGD nesterov weightDecay': lambda m: torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    'SGD dampening weightDecay': lambda m: torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.1),
    'SGD maximize': lambda m: torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.5, maximize=True),
    'SGD groups': lambda m: torch.optim.SGD(groups(m, lr=0.01, momentum=0.5), lr=0.1, momentum=0.9),
    'Adam': lambda m: torch.optim.Adam(m.parameters(), lr=0.01),
    'Adam amsgrad weightDecay': lambda m: torch.optim.Adam(m.parameters(), lr=0.02, amsgrad=True, weight_decay=0.1),
    'Adam betas eps': lambda m: torch.optim.Adam(m.parameters(), lr=0.01, betas=(0.8, 0.9), eps=1e-3),
    'Adam groups': lambda m: torch.optim.Adam(groups(m, lr=0.001, betas=(0.5, 0.6)), lr=0.01),
    'AdamW': lambda m: torch.optim.AdamW(m.parameters(), lr=0.01),
    'AdamW amsgrad': lambda m: torch.optim.AdamW(m.parameters(), lr=0.02, weight_decay=0.5, amsgrad=True),
    'RMSprop': lambda m: torch.optim.RMSprop(m.parameters(), lr=0.01),
    'RMSprop centered momentum weightDecay': lambda m: torch.optim.RMSprop(m.parameters(), lr=0.01, alpha=0.9, momentum=0.9, centered=True, weight_decay=0.01),
    'Adagrad': lambda m: torch.optim.Adagrad(m.parameters(), lr=0.1),
    'Adagrad lrDecay weightDecay initial': lambda m: torch.optim.Adagrad(m.parameters(), lr=0.1, lr_decay=0.1, weight_decay=0.01, initial_accumulator_value=0.1),
    # maximize negates the gradient before the L2 term is added (decoupled in AdamW)
    'Adam maximize weightDecay': lambda m: torch.optim.Adam(m.parameters(), lr=0.01, weight_decay=0.1, maximize=True),
    'AdamW maximize': lambda m: torch.optim.AdamW(m.parameters(), lr=0.01, weight_decay=0.5, maximize=True),
    'RMSprop maximize weightDecay': lambda m: torch.optim.RMSprop(m.parameters(), lr=0.01, weight_decay=0.1, maximize=True),
    'Adagrad maximize weightDecay': lambda m: torch.optim.Adagrad(m.parameters(), lr=0.1, weight_decay=0.1, maximize=True),
}
out = {'x': spec(x), 'y': spec(y), 'initial': initial, 'cases': {k: trajectory(f) for k, f in optim_cases.items()}}
out['cases']['SGD momentum + StepLR'] = trajectory(lambda m: torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9), lambda o: S.StepLR(o, 2, gamma=0.5))
out['cases']['Adam + OneCycleLR'] = trajectory(lambda m: torch.optim.Adam(m.parameters(), lr=0.01), lambda o: S.OneCycleLR(o, 0.05, total_steps=STEPS + 1))
out['cases']['SGD + OneCycleLR momentum'] = trajectory(lambda m: torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9), lambda o: S.OneCycleLR(o, 0.2, total_steps=STEPS + 1, anneal_strategy='linear'))
save('optim', out)


# schedulers: an SGD with two groups of different lrs, so per-group arithmetic shows
def lr_sequence(make, epochs=12, step_args=None, optimizer='sgd'):
    """The lrs after construction and after each step; step_args: each step's argument (a metric, or an epoch to jump to)."""
    p1, p2 = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
    if optimizer == 'sgd':
        opt = torch.optim.SGD([{'params': [p1]}, {'params': [p2], 'lr': 0.05}], lr=0.1, momentum=0.9)
    else:
        opt = torch.optim.Adam([{'params': [p1]}, {'params': [p2], 'lr': 0.05}], lr=0.1)
    sched = make(opt)
    lrs, momenta = [[g['lr'] for g in opt.param_groups]], []
    mom = lambda: [g['momentum'] if 'momentum' in g else g['betas'][0] for g in opt.param_groups]
    momenta.append(mom())
    for e in range(epochs):
        opt.step()
        if step_args is None:
            sched.step()
        else:
            sched.step(step_args[e])
        lrs.append([g['lr'] for g in opt.param_groups])
        momenta.append(mom())
    return {'lrs': lrs, 'momenta': momenta}


plateau_metrics = [1.0, 0.9, 0.95, 0.91, 0.92, 0.89, 0.9, 0.9, 0.9, 0.9, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
sched_cases = {
    'StepLR(3, gamma=0.5)': lr_sequence(lambda o: S.StepLR(o, 3, gamma=0.5)),
    'MultiStepLR([2,5,5,8], gamma=0.3)': lr_sequence(lambda o: S.MultiStepLR(o, [2, 5, 5, 8], gamma=0.3)),
    'ConstantLR(factor=0.5, totalIters=4)': lr_sequence(lambda o: S.ConstantLR(o, factor=0.5, total_iters=4)),
    'LinearLR(0.25, 1, 4)': lr_sequence(lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=4)),
    'LinearLR(1, 0.1, 6)': lr_sequence(lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=6)),
    'ExponentialLR(0.9)': lr_sequence(lambda o: S.ExponentialLR(o, 0.9)),
    'CosineAnnealingLR(5, etaMin=0.01)': lr_sequence(lambda o: S.CosineAnnealingLR(o, 5, eta_min=0.01), epochs=16),
    'PolynomialLR(6, power=2)': lr_sequence(lambda o: S.PolynomialLR(o, total_iters=6, power=2.0)),
    'CosineAnnealingWarmRestarts(3, tMult=2)': lr_sequence(lambda o: S.CosineAnnealingWarmRestarts(o, 3, T_mult=2, eta_min=0.001), epochs=16),
    'LambdaLR(0.95^e)': lr_sequence(lambda o: S.LambdaLR(o, lambda e: 0.95 ** e)),
    'MultiplicativeLR(0.9)': lr_sequence(lambda o: S.MultiplicativeLR(o, lambda e: 0.9)),
    'SequentialLR(LinearLR, CosineAnnealingLR)': lr_sequence(lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=3), S.CosineAnnealingLR(o, 6)], milestones=[3])),
    'SequentialLR(ConstantLR, ExponentialLR, StepLR)': lr_sequence(lambda o: S.SequentialLR(o, [S.ConstantLR(o, factor=0.2, total_iters=2), S.ExponentialLR(o, 0.8), S.StepLR(o, 2)], milestones=[2, 6])),
    'ChainedScheduler(ConstantLR, ExponentialLR)': lr_sequence(lambda o: S.ChainedScheduler([S.ConstantLR(o, factor=0.1, total_iters=2), S.ExponentialLR(o, 0.9)])),
    'OneCycleLR(SGD)': lr_sequence(lambda o: S.OneCycleLR(o, [1.0, 0.5], total_steps=20), epochs=19),
    'OneCycleLR(Adam, linear, threePhase)': lr_sequence(lambda o: S.OneCycleLR(o, 0.3, epochs=4, steps_per_epoch=5, anneal_strategy='linear', three_phase=True, pct_start=0.25), epochs=20, optimizer='adam'),
    'ReduceLROnPlateau(min, patience 2, cooldown 1)': lr_sequence(lambda o: S.ReduceLROnPlateau(o, patience=2, cooldown=1, factor=0.5, min_lr=[0.01, 0.02]), epochs=16, step_args=plateau_metrics),
    'ReduceLROnPlateau(max, abs)': lr_sequence(lambda o: S.ReduceLROnPlateau(o, mode='max', patience=1, threshold=0.05, threshold_mode='abs'), epochs=16, step_args=plateau_metrics),
}
# CosineAnnealingWarmRestarts stepped to given (fractional) epochs, as its per-batch usage
# step(epoch + i / iters): across restarts, back to an earlier cycle, and with tMult = 1
restart_epochs = [0.5, 2.9, 3, 4.25, 8.999, 9, 20.5, 1, 7.5, 45]
restart_cases = {
    'CosineAnnealingWarmRestarts(3, tMult=2)': lr_sequence(lambda o: S.CosineAnnealingWarmRestarts(o, 3, T_mult=2, eta_min=0.001), epochs=len(restart_epochs), step_args=restart_epochs),
    'CosineAnnealingWarmRestarts(4)': lr_sequence(lambda o: S.CosineAnnealingWarmRestarts(o, 4), epochs=len(restart_epochs), step_args=restart_epochs),
}
save('lr_schedulers', {'plateauMetrics': plateau_metrics, 'cases': sched_cases, 'restartEpochs': restart_epochs, 'restartCases': restart_cases})


def clip_case(norm_type, max_norm):
    ps = [torch.randn(3, 4, requires_grad=True), torch.randn(5, requires_grad=True)]
    for p in ps:
        p.grad = torch.randn(*p.shape) * 3
    before = [spec(p.grad) for p in ps]
    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
    return {'normType': 'inf' if norm_type == math.inf else norm_type, 'maxNorm': max_norm, 'grads': before,
            'total': total.item(), 'clipped': [spec(p.grad) for p in ps]}


save('nn_utils', {'clipGradNorm': [clip_case(2.0, 1.0), clip_case(1.0, 2.0), clip_case(math.inf, 0.5), clip_case(3.0, 1e6)]})
