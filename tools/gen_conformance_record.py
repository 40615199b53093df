"""One conformance record (the shape tools/gen_conformance.py documents), from tensors PyTorch computed."""
import torch

from fixtures import spec

F32 = {'rtol': 1e-5, 'atol': 1e-6}


def opt_spec(t):
    return None if t is None else spec(t)


def record(name, op, inputs, outputs, attributes=None, grad_outputs=None, gradients=None, tolerance=F32, **extra):
    r = {'name': name, 'op': op, 'inputs': [opt_spec(t) for t in inputs], 'attributes': attributes or {},
         'outputs': [spec(t) for t in outputs], 'tolerance': tolerance}
    if grad_outputs is not None:
        r['gradOutputs'] = [opt_spec(t) for t in grad_outputs]
        r['gradients'] = [opt_spec(t) for t in gradients]
    r.update({k: v for k, v in extra.items() if v is not None})
    return r


def backward(out, leaves, grad_out):
    """The gradient of sum(out * grad_out) for each leaf that requires it (None elsewhere or where unused)."""
    used = [t for t in leaves if t is not None and t.requires_grad]
    grads = iter(torch.autograd.grad(out, used, grad_out, allow_unused=True)) if used else iter(())
    return [next(grads) if t is not None and t.requires_grad else None for t in leaves]
