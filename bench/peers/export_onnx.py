"""Exports the inference workloads from PyTorch to ONNX for onnxruntime-node (bench/setup.sh runs this)."""
import os
import sys

import torch
import torchvision

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'models')


class MatMul(torch.nn.Module):
    def forward(self, a, b):
        return a @ b


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    models = {
        'gemm': (MatMul(), (torch.randn(1024, 1024), torch.randn(1024, 1024))),
        'conv3x3': (torch.nn.Conv2d(64, 64, 3, padding=1, bias=False), (torch.randn(8, 64, 56, 56),)),
        'conv1x1': (torch.nn.Conv2d(256, 64, 1, bias=False), (torch.randn(8, 256, 56, 56),)),
        'depthwise': (torch.nn.Conv2d(128, 128, 3, padding=1, groups=128, bias=False), (torch.randn(8, 128, 56, 56),)),
        'resnet18-b1': (torchvision.models.resnet18().eval(), (torch.randn(1, 3, 224, 224),)),
        'resnet18-b8': (torchvision.models.resnet18().eval(), (torch.randn(8, 3, 224, 224),)),
    }
    for name, (model, inputs) in models.items():
        path = os.path.join(OUT, f'{name}.onnx')
        torch.onnx.export(model.eval(), inputs, path, opset_version=13)
        print('wrote', path, file=sys.stderr)


if __name__ == '__main__':
    main()
