"""The "transcribe a PyTorch training script" fixture (test/fixtures/train_cnn.json): a small CNN trained on
real Fashion-MNIST images for three epochs with PyTorch 1.13. The convkit transcription of this script is
test/nn/training.test.ts (and docs/training.md); it must give the same losses step by step.
Run: /usr/bin/python3 tools/gen_training_fixture.py"""
import gzip

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from fixtures import save, spec, state_spec

SRC = '/usr/share/datasets/fashion-mnist/'


def read_idx(name, offset):
    with gzip.open(SRC + name) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


# 96 images, each 2x2-summed to 14x14 (integers 0..1020, small in JSON); the first 64 train, the rest validate
images = read_idx('train-images-idx3-ubyte.gz', 16).reshape(-1, 28, 28)[:96].astype(np.int64)
pixels = images.reshape(96, 14, 2, 14, 2).sum(axis=(2, 4))
labels = read_idx('train-labels-idx1-ubyte.gz', 8)[:96].astype(np.int64)

# ---- the training script (transcribed line by line in test/nn/training.test.ts) ----
torch.manual_seed(0)


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(4, 8, 3)
        self.fc1 = nn.Linear(8 * 2 * 2, 16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.bn1(self.conv1(x))))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))


x_all = (torch.tensor(pixels, dtype=torch.float32).unsqueeze(1) / 1020 - 0.2860) / 0.3530
y_all = torch.tensor(labels)
x_train, y_train, x_val, y_val = x_all[:64], y_all[:64], x_all[64:], y_all[64:]

model = SmallCNN()
initial = state_spec(model)
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)

permutations, losses, grad_norms, val = [], [], [], []
for epoch in range(3):
    model.train()
    perm = torch.randperm(64)
    permutations.append(perm.tolist())
    for i in range(0, 64, 16):
        idx = perm[i:i + 16]
        optimizer.zero_grad()
        loss = criterion(model(x_train[idx]), y_train[idx])
        loss.backward()
        grad_norms.append(nn.utils.clip_grad_norm_(model.parameters(), 5.0).item())
        optimizer.step()
        losses.append(loss.item())
    scheduler.step()
    model.eval()
    with torch.no_grad():
        out = model(x_val)
        val.append({'loss': F.cross_entropy(out, y_val).item(), 'correct': (out.argmax(1) == y_val).sum().item(), 'lr': scheduler.get_last_lr()[0]})
# ---- end of the script ----

save('train_cnn', {
    'pixels': pixels.reshape(-1).tolist(), 'labels': labels.tolist(), 'initial': initial, 'permutations': permutations,
    'losses': losses, 'gradNorms': grad_norms, 'val': val, 'final': state_spec(model),
})
