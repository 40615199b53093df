"""PyTorch CUDA on the GPU benchmark's workloads (bench/webgpu.ts): python3 pytorch_cuda.py WORKLOAD SIZE -> one JSON line."""
import json
import sys
import time

WORKLOAD, SIZE = sys.argv[1], sys.argv[2]


def main():
    try:
        import torch
        import torchvision
    except ImportError as e:
        return {"skip": f"torch/torchvision missing: {e}"}
    if not torch.cuda.is_available():
        return {"skip": "torch sees no CUDA GPU"}
    dev = torch.device("cuda")
    full = SIZE == "full"
    if WORKLOAD == "gemm":
        n = 4096 if full else 256
        a, b = torch.randn(n, n, device=dev), torch.randn(n, n, device=dev)
        step = lambda: a @ b
    elif WORKLOAD in ("conv", "conv-bwd"):
        n, c, side = (32, 64, 56) if full else (2, 16, 28)
        x = torch.randn(n, c, side, side, device=dev, requires_grad=WORKLOAD == "conv-bwd")
        w = torch.randn(c, c, 3, 3, device=dev, requires_grad=WORKLOAD == "conv-bwd")
        if WORKLOAD == "conv":
            step = lambda: torch.nn.functional.conv2d(x, w, padding=1)
        else:
            def step():
                y = torch.nn.functional.conv2d(x, w, padding=1)
                return torch.autograd.grad(y, [x, w], torch.ones_like(y))
    else:
        batch, side = {"resnet18-b1": (1, 224), "resnet18-b32": (32, 224), "resnet18-train": (64, 224)}[WORKLOAD] if full else ({"resnet18-b1": (1, 64), "resnet18-train": (2, 64)}[WORKLOAD])
        model = torchvision.models.resnet18().to(dev)
        x = torch.randn(batch, 3, side, side, device=dev)
        if WORKLOAD == "resnet18-train":
            y = torch.arange(batch, device=dev) % 1000
            opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

            def step():
                opt.zero_grad()
                loss = torch.nn.functional.cross_entropy(model(x), y)
                loss.backward()
                opt.step()
        else:
            model.eval()

            def step():
                with torch.no_grad():
                    return model(x)
    for _ in range(5):
        step()
    torch.cuda.synchronize()
    times = []
    for _ in range(10):
        t0 = time.perf_counter()
        step()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"ms": (times[4] + times[5]) / 2, "samples": len(times)}


print(json.dumps(main()))
