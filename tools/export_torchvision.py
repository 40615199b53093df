"""Exports a torchvision model's weights to a safetensors file that convkit loads unchanged.

    /usr/bin/python3 tools/export_torchvision.py resnet50 --weights IMAGENET1K_V1 -o resnet50.safetensors
    /usr/bin/python3 tools/export_torchvision.py googlenet --weights DEFAULT -o googlenet.safetensors

then, in Node:  ck.load(ck.models.resnet50(), 'resnet50.safetensors')
(for googlenet and inception_v3 pretrained weights, build the convkit model with { transformInput: true }
as torchvision does when it loads them).

Needs PyTorch and torchvision; downloading pretrained weights needs network access (or a file already in
torch's cache, ~/.cache/torch/hub/checkpoints). Without --weights the model keeps its random initialisation,
which is handy to test the pipeline offline. convkit's state dict has the same keys and shapes, so nothing is
renamed; int64 counters (num_batches_tracked) are written as I64 and read back as int32.
"""
import argparse
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import save_file  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('model', help='torchvision builder name: alexnet, vgg16_bn, resnet50, resnext50_32x4d, googlenet, inception_v3, ...')
    p.add_argument('--weights', default=None, help="torchvision weights enum name (IMAGENET1K_V1, DEFAULT); omit for random weights")
    p.add_argument('-o', '--output', required=True, help='the .safetensors file to write')
    p.add_argument('--num-classes', type=int, default=None, help='only with random weights: size of the last layer')
    args = p.parse_args()

    kwargs = {'weights': args.weights}
    if args.num_classes is not None:
        if args.weights:
            p.error('--num-classes only applies to random weights; replace the last layer in convkit instead')
        kwargs['num_classes'] = args.num_classes
    model = torchvision.models.get_model(args.model, **kwargs) if hasattr(torchvision.models, 'get_model') \
        else getattr(torchvision.models, args.model)(**kwargs)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    metadata = {'format': 'pt', 'source': f'torchvision {torchvision.__version__} {args.model}',
                'weights': str(args.weights)}
    save_file(state, args.output, metadata)
    n = sum(v.numel() for v in state.values())
    print(f'wrote {args.output}: {len(state)} tensors, {n:,} values')


if __name__ == '__main__':
    main()
