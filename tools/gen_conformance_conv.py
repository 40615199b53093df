"""Convolution, transposed convolution, pooling, adaptive pooling, padding, fold/unfold and LRN conformance cases,
for tools/gen_conformance.py. The case families (random geometries from a seeded generator) are defined once, in
tools/gen_conv_fixtures.py; here each case is recorded in the conformance format instead, twice: in float32 and
in float64. Inputs have 3 decimals, exact in both dtypes; PyTorch computes in float64, and the float32 record
holds those values rounded to float32 (checked at 1e-5 relative), the float64 one holds them in full (1e-10)."""
import random

import torch

import gen_conv_fixtures as families
from gen_conformance_record import backward, record

TOLERANCE = {'float32': {'rtol': 1e-5, 'atol': 2e-5}, 'float64': {'rtol': 1e-10, 'atol': 1e-10}}
recorded = []


def record_case(name, op, fn, inputs, args=(), opts=None, indices=False):
    """gen_conv_fixtures' case(): runs fn(*inputs) in float64; records it as F.<op>(*inputs, *args, opts)."""
    leaves = [None if t is None else t.clone().requires_grad_(True) for t in inputs]
    out = fn(*leaves)
    idx = None
    if indices:
        out, idx = out
    g = torch.round(torch.randn(out.shape, dtype=torch.float64) * 1000) / 1000
    grads = backward(out, leaves, g)
    attributes = {'args': list(args), 'options': opts or {}}
    for dtype in (torch.float32, torch.float64):
        cast = lambda t: None if t is None else t.to(dtype)
        outputs = [cast(out)] + ([idx] if idx is not None else [])
        grad_outputs = [cast(g)] + ([None] if idx is not None else [])
        tol = TOLERANCE[str(dtype).replace('torch.', '')]
        recorded.append(record(f'{name} {str(dtype)[6:]}', f'F.{op}', [cast(t) for t in inputs], outputs, attributes,
                               grad_outputs, [cast(t) for t in grads], tolerance=tol))
    return None


def cases():
    recorded.clear()
    families.case = record_case
    families.rng = random.Random(1234)
    torch.manual_seed(1234)
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        for family in (families.conv_fixtures, families.conv_transpose_fixtures, families.pool_fixtures,
                       families.adaptive_fixtures, families.pad_fixtures, families.fold_fixtures, families.lrn_fixtures):
            family()
    finally:
        torch.set_default_dtype(default)
    return list(recorded)
