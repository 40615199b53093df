"""PyTorch (CPU) cell of the benchmark: `python3 pytorch.py WORKLOAD THREADS` prints one JSON line,
{"ms": median, "samples": n, "rssMB": peak} or {"skip": reason}, with the same protocol as bench/measure.ts."""
import gzip
import json
import resource
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

FASHION = '/usr/share/datasets/fashion-mnist/'


def measure(run, before=None, budget=8.0, max_samples=200, min_samples=3):
    def once():
        ctx = before() if before else None
        t0 = time.perf_counter()
        run(ctx)
        return (time.perf_counter() - t0) * 1000
    # warm-up as in bench/measure.ts: a quarter of the budget, at least one run
    warm_start = time.perf_counter()
    once()
    while time.perf_counter() - warm_start < budget / 4:
        once()
    times, start = [], time.perf_counter()
    while len(times) < max_samples and (len(times) < min_samples or time.perf_counter() - start < budget):
        times.append(once())
        if time.perf_counter() - start > 3 * budget:
            break
    return float(np.median(times)), len(times)


def conv(x, w, groups, padding, backward):
    inp = torch.randn(x, requires_grad=backward)
    weight = torch.randn(w, requires_grad=backward)
    if not backward:
        def run(_):
            with torch.no_grad():
                F.conv2d(inp, weight, padding=padding, groups=groups)
        return run, None
    return (lambda y: y.backward(torch.ones_like(y))), (lambda: F.conv2d(inp, weight, padding=padding, groups=groups))


def lenet5():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
        torch.nn.Linear(400, 120), torch.nn.ReLU(), torch.nn.Linear(120, 84), torch.nn.ReLU(), torch.nn.Linear(84, 10))


def train(model, batches):
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    state = {'i': 0}

    def run(_):
        x, y = batches[state['i'] % len(batches)]
        state['i'] += 1
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        loss.item()
    return run, None


def fashion_batches(count):
    with gzip.open(FASHION + 'train-images-idx3-ubyte.gz') as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16)[:count * 64 * 784].astype(np.float32) / 255
    with gzip.open(FASHION + 'train-labels-idx1-ubyte.gz') as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:count * 64].astype(np.int64)
    x = torch.from_numpy(images.reshape(count, 64, 1, 28, 28).copy())
    y = torch.from_numpy(labels.reshape(count, 64).copy())
    return [(x[i], y[i]) for i in range(count)]


def prepare(workload):
    if workload == 'gemm':
        a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
        return (lambda _: torch.mm(a, b)), None
    if workload == 'conv3x3':
        return conv([8, 64, 56, 56], [64, 64, 3, 3], 1, 1, False)
    if workload == 'conv3x3-bwd':
        return conv([8, 64, 56, 56], [64, 64, 3, 3], 1, 1, True)
    if workload == 'conv1x1':
        return conv([8, 256, 56, 56], [64, 256, 1, 1], 1, 0, False)
    if workload == 'depthwise':
        return conv([8, 128, 56, 56], [128, 1, 3, 3], 128, 1, False)
    if workload in ('resnet18-b1', 'resnet18-b8'):
        model = torchvision.models.resnet18().eval()
        x = torch.randn(1 if workload == 'resnet18-b1' else 8, 3, 224, 224)

        def run(_):
            with torch.no_grad():
                model(x)
        return run, None
    if workload == 'lenet5-train':
        return train(lenet5(), fashion_batches(20))
    if workload == 'resnet18-train':
        return train(torchvision.models.resnet18(num_classes=10), [(torch.randn(16, 3, 64, 64), torch.randint(0, 10, (16,)))])
    return None


def main():
    workload, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    prepared = prepare(workload)
    if prepared is None:
        print(json.dumps({'skip': f'not run on PyTorch: {workload}'}))
        return
    ms, samples = measure(*prepared)
    print(json.dumps({'ms': ms, 'samples': samples, 'rssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == '__main__':
    main()
