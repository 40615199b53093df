"""Dumps PyTorch 1.13's (and torchvision's) parameter lists for convkit's public callables.

Run with Debian's torch: /usr/bin/python3 tools/gen_signature_fixtures.py
Writes test/fixtures/signatures.json: { qualified name: { "positional": [...], "keyword": [...], "varargs"? } }, names in
snake_case as PyTorch spells them; test/core/signatures.test.ts compares convkit's parameter lists to it.
"""
import inspect
import json
import re
import sys

import torch
import torch.nn.functional as F
import torchvision

# device/dtype are factory keywords convkit has no use for; the rest are Python internals.
SKIP = {'self', 'device', 'dtype', '_stacklevel', 'out', 'memory_format', 'layout', 'args', 'kwargs'}


def resolve(name):
    parts = name.split('.')
    obj = __import__(parts[0])
    for p in parts[1:]:
        obj = getattr(obj, p)
    return obj


def from_signature(obj):
    target = obj.__init__ if inspect.isclass(obj) else obj
    sig = inspect.signature(target)
    positional, keyword, varargs = [], [], None
    for p in sig.parameters.values():
        if p.kind == p.VAR_POSITIONAL:
            varargs = p.name
        if p.name in SKIP or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        (keyword if p.kind == p.KEYWORD_ONLY else positional).append(p.name)
    return positional, keyword, varargs


def from_doc(obj, short):
    """Builtins (torch.sum, F.conv2d, Tensor.var) have no inspectable signature: read their documented one."""
    doc = (obj.__doc__ or '').replace('\\*', '*')
    # overloads (sum(input, *, dtype) and sum(input, dim, keepdim=False, *, dtype)): the longest is the full one
    found = re.findall(r'^\s*(?:.. function:: )?' + re.escape(short) + r'\((.*?)\)\s*(?:->|→|$)', doc, re.M)
    if not found:
        raise ValueError(f'no documented signature for {short}')
    positional, keyword, kw = [], [], False
    for part in [a.strip() for a in max(found, key=lambda f: f.count(',')).split(',') if a.strip()]:
        if part == '*':
            kw = True
            continue
        name = part.split('=')[0].split(':')[0].strip().lstrip('*')
        if name in SKIP:
            continue
        (keyword if kw else positional).append(name)
    return positional, keyword, None


def main(names):
    out = {}
    for name in names:
        obj = resolve(name)
        # F.max_pool2d and friends are boolean_dispatch wrappers around _max_pool2d(..., return_indices)
        hidden = getattr(F, '_' + name.split('.')[-1], None) if name.startswith('torch.nn.functional.') else None
        if hidden is not None and 'max_pool' in name:
            obj = hidden
        try:
            positional, keyword, varargs = from_signature(obj)
        except (ValueError, TypeError):
            positional, keyword, varargs = from_doc(obj, name.split('.')[-1])
        out[name] = {'positional': positional, 'keyword': keyword}
        if varargs:  # Python's *tensors / *args: convkit's rest parameter
            out[name]['varargs'] = varargs
    return out


NAMES = [l.strip() for l in open('tools/signature_names.txt') if l.strip() and not l.startswith('#')]

if __name__ == '__main__':
    json.dump({'torch': torch.__version__, 'torchvision': torchvision.__version__, 'signatures': main(NAMES)},
              open('test/fixtures/signatures.json', 'w'), indent=1, sort_keys=True)
    print(f'{len(NAMES)} signatures', file=sys.stderr)
