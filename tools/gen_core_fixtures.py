#!/usr/bin/env python3
"""Golden tensor reprs for convkit's printing, computed by PyTorch (Debian python3-torch, run with /usr/bin/python3).

Writes test/fixtures/core_ops.json: {reprs: [{tensor, repr}]} (test/core/format.test.ts). The core ops' golden
values are conformance cases now: tools/gen_conformance_core.py. Run: /usr/bin/python3 tools/gen_core_fixtures.py
"""
import json
import math
import pathlib

import torch

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "core_ops.json"
DT = {torch.float32: "float32", torch.float64: "float64", torch.int32: "int32", torch.int64: "int32", torch.bool: "bool"}


def value(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def spec(t):
    t = t.detach()
    return {"shape": list(t.shape), "dtype": DT[t.dtype], "data": [value(v) for v in t.reshape(-1).tolist()]}


# printing: torch's repr, with convkit's dtype names (torch.float64 -> float64; int32 is convkit's default integer type)
reprs = []
for t in [torch.tensor([1.0, 2.0, 3.0]), torch.tensor([[1.5, -2.25], [3.0, 4.125]]), torch.tensor(3.0),
          torch.tensor([1e-5, 1.0, 100.0]), torch.tensor([1e10, 1.0]), torch.tensor([0.1, float("nan"), float("inf")]),
          torch.tensor([[1, -20], [300, 4]]), torch.tensor([True, False]), torch.zeros(0), torch.zeros(2, 0),
          torch.arange(2000.0), torch.arange(24.0).reshape(2, 3, 4), torch.tensor([1.0, 2.0], dtype=torch.float64),
          torch.arange(30.0) / 7]:
    reprs.append({"tensor": spec(t), "repr": repr(t).replace("torch.float64", "float64")})

OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps({"generator": "tools/gen_core_fixtures.py", "torch": torch.__version__, "reprs": reprs}))
print(f"wrote {len(reprs)} reprs to {OUT} ({OUT.stat().st_size // 1024} KiB)")
