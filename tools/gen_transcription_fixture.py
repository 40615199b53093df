"""A PyTorch user's CNN course code, run for the numbers its JavaScript transcription must reproduce.

Run with Debian's torch: /usr/bin/python3 tools/gen_transcription_fixture.py
Writes test/fixtures/transcription.json, read by test/transcription/course.test.mjs, which is this file
transcribed line by line into plain JavaScript. Weights and inputs come from integer formulas (`pattern`), so both
sides start from bit-identical float32 values without shipping them; nothing random is compared.
"""
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from torch.utils.data import DataLoader, TensorDataset
import torchvision.transforms as T

torch.set_num_threads(1)


def pattern(shape, salt, scale):
    """Deterministic values in [-scale/2, scale/2): ((k * 7919 + salt) % 1000) / 1000 - 0.5, times scale."""
    n = int(np.prod(shape))
    return ((torch.arange(n) * 7919 + salt) % 1000 / 1000 - 0.5).reshape(shape).float() * scale


def fill_(model):
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(pattern(p.shape, 13 * i, 0.2))


def values(t):
    return [round(float(v), 7) for v in t.detach().reshape(-1).tolist()]


out = {}

# --- the lecture's CNN (LeNet-5) and a few SGD steps ---
class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


model = LeNet5()
fill_(model)
x = pattern((8, 1, 28, 28), 7, 2.0)
y = torch.arange(8) % 10
optimizer = torch.optim.SGD(model.parameters(), 0.01, 0.9)
criterion = nn.CrossEntropyLoss()
losses = []
for step in range(4):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
out['lenet'] = {'losses': losses, 'logits': values(model(x)[:2])}

# --- forward hooks collecting feature maps ---
features = {}
def save_output(name):
    def hook(module, inputs, output):
        features[name] = output.detach()
    return hook
handles = [model.conv1.register_forward_hook(save_output('conv1')), model.conv2.register_forward_hook(save_output('conv2'))]
model(x[:2])
for h in handles:
    h.remove()
out['hooks'] = {name: {'shape': list(f.shape), 'sum': f.sum().item(), 'first': values(f.reshape(-1)[:5])} for name, f in features.items()}

# --- a ResidualNet block ---
class ResidualBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False), nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out = out + self.shortcut(x)
        return F.relu(out)


block = ResidualBlock(4, 8, 2)
fill_(block)
xb = pattern((2, 4, 8, 8), 3, 2.0)
yb = block(xb)
yb.sum().backward()
out['residual'] = {
    'shape': list(yb.shape), 'sum': yb.sum().item(), 'strided': values(yb.reshape(-1)[::17]),
    'running_mean': values(block.bn1.running_mean), 'conv1_grad': values(block.conv1.weight.grad.reshape(-1)[:6]),
}
block.eval()
out['residual']['eval_sum'] = block(xb).sum().item()

# --- transfer learning: replace the last layer, freeze the features ---
class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


net = SmallNet()
fill_(net)
for p in net.features.parameters():
    p.requires_grad = False
net.classifier[-1] = nn.Linear(32, 3)
with torch.no_grad():
    net.classifier[-1].weight.copy_(pattern((3, 32), 5, 0.4))
    net.classifier[-1].bias.zero_()
xt = pattern((6, 3, 8, 8), 11, 2.0)
yt = torch.arange(6) % 3
opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], 0.01)
tl_losses = []
for step in range(3):
    opt.zero_grad()
    loss = F.cross_entropy(net(xt), yt)
    loss.backward()
    opt.step()
    tl_losses.append(loss.item())
out['transfer'] = {'losses': tl_losses, 'trainable': sum(p.numel() for p in net.parameters() if p.requires_grad),
                   'features_sum': sum(p.sum().item() for p in net.features.parameters())}

# --- a custom autograd Function ---
class ClampedExp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, limit):
        y = torch.exp(x.clamp(max=limit))
        ctx.save_for_backward(x, y)
        ctx.limit = limit
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        return grad_output * y * (x <= ctx.limit), None


xf = pattern((2, 5), 1, 4.0).requires_grad_(True)
yf = ClampedExp.apply(xf, 1.0)
(yf * torch.arange(10).reshape(2, 5)).sum().backward()
out['function'] = {'output': values(yf), 'grad': values(xf.grad)}

# --- a torchvision data pipeline ---
pixels = ((np.arange(32 * 32 * 3) * 37 + 11) % 256).astype(np.uint8).reshape(32, 32, 3)
image = Image.fromarray(pixels)
mean, std = (0.4914, 0.4822, 0.4465), (0.247, 0.243, 0.261)
plain = T.Compose([T.ToTensor(), T.Normalize(mean, std)])
flipped = T.Compose([T.RandomHorizontalFlip(1.0), T.ToTensor(), T.Normalize(mean, std)])
augment = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(mean, std)])
t_plain = plain(image)
out['pipeline'] = {
    'plain_first': values(t_plain.reshape(-1)[:6]), 'plain_sum': t_plain.sum().item(),
    'flipped_first': values(flipped(image).reshape(-1)[:6]), 'augment_shape': list(augment(image).shape),
    'padded_corner': values(T.Compose([T.Pad(4), T.ToTensor()])(image)[:, 0, 0]),
}
dataset = TensorDataset(torch.arange(10), torch.arange(10) % 3)
batches = [list(xb.shape) for xb, _ in DataLoader(dataset, 4, True)]
out['pipeline']['batch_shapes'] = batches

json.dump({'torch': torch.__version__, **out}, open('test/fixtures/transcription.json', 'w'), indent=1)
print('wrote test/fixtures/transcription.json')
