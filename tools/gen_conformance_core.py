"""Core-op conformance cases (elementwise, reductions, matmul, shapes, indexing, creation), for
tools/gen_conformance.py. Inputs marked layout 't' are given to the op as transposed (non-contiguous) views;
finiteDifferences false marks inputs on a discontinuity, where the float64 gradcheck is meaningless."""
import torch

from gen_conformance_record import backward, record

CORE_GRAD = {'rtol': 1e-4, 'atol': 1e-5}


def rnd(*shape, low=-2.0, high=2.0):
    return torch.empty(tuple(shape)).uniform_(low, high)


def pos(*shape):
    return rnd(*shape, low=0.2, high=3.0)


def cases():
    torch.manual_seed(0)
    out = []

    def case(name, op, inputs, args=None, fn=None, layouts=None, finite_differences=True):
        leaves = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
        y = fn(*leaves)
        extra = {'layouts': layouts, 'finiteDifferences': None if finite_differences else False}
        if y.is_floating_point() and y.requires_grad:
            g = rnd(*y.shape)
            out.append(record(name, op, inputs, [y], args, [g], backward(y, leaves, g), gradientTolerance=CORE_GRAD, **extra))
        else:
            out.append(record(name, op, inputs, [y], args, **extra))

    # elementwise binary, with broadcasting, 0-d and empty shapes
    binary = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "maximum": torch.maximum, "minimum": torch.minimum}
    shapes = [((3, 4), (3, 4)), ((2, 3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (2, 3)), ((5,), ()), ((0, 3), (3,)), ((1,), (2, 2))]
    for name, f in binary.items():
        for sa, sb in shapes:
            b = rnd(*sb) if name != "div" else pos(*sb)
            case(f"{name} {list(sa)} {list(sb)}", name, [rnd(*sa), b], fn=f)
    case("pow [3,4] [3,4]", "pow", [pos(3, 4), rnd(3, 4)], fn=torch.pow)
    case("pow [2,3] scalar 3", "pow", [rnd(2, 3)], {"scalar": 3.0}, fn=lambda x: torch.pow(x, 3.0))
    case("pow [2,3] scalar 0.5", "pow", [pos(2, 3)], {"scalar": 0.5}, fn=lambda x: torch.pow(x, 0.5))
    case("add [3,4] scalar 2.5", "add", [rnd(3, 4)], {"scalar": 2.5}, fn=lambda x: x + 2.5)
    case("mul [3,4] scalar -3", "mul", [rnd(3, 4)], {"scalar": -3.0}, fn=lambda x: x * -3.0)
    case("div scalar-first 1 / [4]", "rdiv", [pos(4)], {"scalar": 1.0}, fn=lambda x: 1.0 / x)
    case("add transposed [3,4]", "add", [rnd(3, 4), rnd(3, 4)], fn=torch.add, layouts=["t", None])
    case("mul transposed both [4,5]", "mul", [rnd(4, 5), rnd(4, 5)], fn=torch.mul, layouts=["t", "t"])
    for name in ["eq", "ne", "gt", "ge", "lt", "le"]:
        a = torch.randint(0, 3, (3, 4)).float()
        b = torch.randint(0, 3, (4,)).float()
        case(f"{name} [3,4] [4]", name, [a, b], fn=getattr(torch, name))

    # elementwise unary
    unary = {
        "neg": (torch.neg, rnd), "abs": (torch.abs, rnd), "exp": (torch.exp, rnd), "log": (torch.log, pos),
        "log1p": (torch.log1p, pos), "expm1": (torch.expm1, rnd), "sqrt": (torch.sqrt, pos), "rsqrt": (torch.rsqrt, pos),
        "sin": (torch.sin, rnd), "cos": (torch.cos, rnd), "tanh": (torch.tanh, rnd), "sigmoid": (torch.sigmoid, rnd),
        "relu": (torch.relu, rnd), "sign": (torch.sign, rnd), "floor": (torch.floor, rnd), "ceil": (torch.ceil, rnd),
        "reciprocal": (torch.reciprocal, pos), "square": (torch.square, rnd),
    }
    for name, (f, gen) in unary.items():
        case(f"{name} [3,5]", name, [gen(3, 5)], fn=f)
        case(f"{name} 0-d", name, [gen()], fn=f)
    case("tanh transposed [4,3]", "tanh", [rnd(4, 3)], fn=torch.tanh, layouts=["t"])
    case("round half to even", "round", [torch.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 1.2, -1.7])], fn=torch.round, finite_differences=False)
    case("sigmoid extreme", "sigmoid", [torch.tensor([-100.0, -20.0, 0.0, 20.0, 100.0])], fn=torch.sigmoid)
    case("clamp [3,4] -0.5..0.7", "clamp", [rnd(3, 4)], {"min": -0.5, "max": 0.7}, fn=lambda x: torch.clamp(x, -0.5, 0.7))
    case("clamp [3,4] min only", "clamp", [rnd(3, 4)], {"min": 0.1}, fn=lambda x: torch.clamp(x, min=0.1))
    cond = torch.rand(3, 4) > 0.5
    case("where [3,4] [4] [3,1]", "where", [cond, rnd(4), rnd(3, 1)], fn=torch.where)

    # reductions
    x34 = rnd(3, 4)
    x234 = rnd(2, 3, 4)
    for name in ["sum", "mean", "amax", "amin", "prod", "logsumexp"]:
        f = getattr(torch, name)
        if name != "logsumexp":
            case(f"{name} all [2,3,4]", name, [x234], {}, fn=f)
        for dim, keep in [(1, False), ([0, 2], True), (-1, False)]:
            if name == "prod" and isinstance(dim, list):
                continue  # torch.prod reduces one dim at a time
            case(f"{name} dim {dim} keepdim {keep}", name, [x234], {"dim": dim, "keepdim": keep}, fn=lambda x, d=dim, k=keep, f=f: f(x, d, keepdim=k))
    case("sum transposed dim 0", "sum", [rnd(3, 5)], {"dim": 0, "keepdim": False}, fn=lambda x: x.sum(0), layouts=["t"])
    case("sum empty", "sum", [torch.empty(0, 3)], {"dim": 0, "keepdim": False}, fn=lambda x: x.sum(0))
    case("prod with a zero", "prod", [torch.tensor([[2.0, 0.0, 3.0], [1.5, 2.0, -1.0]])], {"dim": 1, "keepdim": False}, fn=lambda x: x.prod(1))
    for corr in [0, 1]:
        case(f"var dim 1 correction {corr}", "var", [x234], {"dim": 1, "correction": corr}, fn=lambda x, c=corr: torch.var(x, 1, unbiased=bool(c)))
        case(f"std all correction {corr}", "std", [x34], {"correction": corr}, fn=lambda x, c=corr: torch.std(x, unbiased=bool(c)))
    case("max dim 1 values", "maxValues", [x234], {"dim": 1}, fn=lambda x: torch.max(x, 1).values)
    case("max dim 1 indices", "maxIndices", [x234], {"dim": 1}, fn=lambda x: torch.max(x, 1).indices)
    case("min dim -1 keepdim values", "minValues", [x234], {"dim": -1, "keepdim": True}, fn=lambda x: torch.min(x, -1, keepdim=True).values)
    case("argmax all", "argmax", [x234], {}, fn=lambda x: torch.argmax(x))
    case("argmin dim 2", "argmin", [x234], {"dim": 2}, fn=lambda x: torch.argmin(x, 2))
    case("logsumexp large", "logsumexp", [torch.tensor([[1000.0, 1000.0], [-1000.0, 0.0]])], {"dim": 1, "keepdim": False}, fn=lambda x: torch.logsumexp(x, 1))

    # matmul
    for sa, sb in [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)), ((2, 1, 2, 3), (3, 3, 2)), ((4, 3, 5), (4, 5, 2))]:
        case(f"matmul {list(sa)} {list(sb)}", "matmul", [rnd(*sa), rnd(*sb)], fn=torch.matmul)
    case("matmul transposed [4,3]x[3,5]", "matmul", [rnd(4, 3), rnd(3, 5)], fn=torch.matmul, layouts=["t", "t"])

    # shape ops and indexing
    case("reshape [2,3,4] -> [4,-1]", "reshape", [x234], {"shape": [4, -1]}, fn=lambda x: x.reshape(4, -1))
    case("reshape transposed [3,4] -> [12]", "reshape", [rnd(3, 4)], {"shape": [12]}, fn=lambda x: x.reshape(12), layouts=["t"])
    case("flatten 1..2", "flatten", [x234], {"start": 1, "end": 2}, fn=lambda x: x.flatten(1, 2))
    case("permute [2,0,1]", "permute", [x234], {"dims": [2, 0, 1]}, fn=lambda x: x.permute(2, 0, 1))
    case("transpose 0 2", "transpose", [x234], {"dim0": 0, "dim1": 2}, fn=lambda x: x.transpose(0, 2))
    case("squeeze", "squeeze", [rnd(2, 1, 3, 1)], {}, fn=lambda x: x.squeeze())
    case("unsqueeze -1", "unsqueeze", [x34], {"dim": -1}, fn=lambda x: x.unsqueeze(-1))
    case("expand [3,1] -> [2,3,4]", "expand", [rnd(3, 1)], {"shape": [2, 3, 4]}, fn=lambda x: x.expand(2, 3, 4))
    case("narrow dim 1", "narrow", [x234], {"dim": 1, "start": 1, "length": 2}, fn=lambda x: x.narrow(1, 1, 2))
    case("slice step 2", "slice", [rnd(7, 3)], {"dim": 0, "start": 1, "end": 7, "step": 2}, fn=lambda x: x[1:7:2])
    case("index x[1, :, ::2]", "index", [x234], {"spec": [1, None, [None, None, 2]]}, fn=lambda x: x[1, :, ::2])
    case("index x[..., -1]", "index", [x234], {"spec": ["...", -1]}, fn=lambda x: x[..., -1])
    case("cat dim 1", "cat", [rnd(2, 3), rnd(2, 1), rnd(2, 2)], {"dim": 1}, fn=lambda *xs: torch.cat(xs, 1))
    case("stack dim 1", "stack", [rnd(2, 3), rnd(2, 3)], {"dim": 1}, fn=lambda *xs: torch.stack(xs, 1))
    case("split [2,3] piece 1", "splitPiece", [rnd(5, 2)], {"sizes": [2, 3], "dim": 0, "piece": 1}, fn=lambda x: torch.split(x, [2, 3], 0)[1])
    case("chunk 3 piece 2", "chunkPiece", [rnd(2, 7)], {"chunks": 3, "dim": 1, "piece": 2}, fn=lambda x: torch.chunk(x, 3, 1)[2])
    idx = torch.tensor([[0, 2, 1, 0], [1, 1, 0, 2]])
    case("gather dim 0", "gather", [rnd(3, 4), idx.to(torch.int32)], {"dim": 0}, fn=lambda x, i: torch.gather(x, 0, i.long()))
    case("gather dim 1 (repeated indices)", "gather", [rnd(2, 5), torch.tensor([[0, 0, 4], [3, 1, 3]], dtype=torch.int32)], {"dim": 1}, fn=lambda x, i: torch.gather(x, 1, i.long()))

    case("indexSelect dim 0 (repeats)", "indexSelect", [rnd(4, 3), torch.tensor([3, 0, 3], dtype=torch.int32)], {"dim": 0}, fn=lambda x, i: torch.index_select(x, 0, i.long()))
    case("indexSelect dim 1", "indexSelect", [rnd(2, 5, 2), torch.tensor([4, 1], dtype=torch.int32)], {"dim": 1}, fn=lambda x, i: torch.index_select(x, 1, i.long()))

    # creation functions: no inputs, the values torch computes
    case("linspace 0..1 7", "linspace", [], {"start": 0.0, "end": 1.0, "steps": 7}, fn=lambda: torch.linspace(0, 1, 7))
    case("linspace -3..10 20", "linspace", [], {"start": -3.0, "end": 10.0, "steps": 20}, fn=lambda: torch.linspace(-3, 10, 20))
    case("arange 0..1 step 0.1", "arange", [], {"start": 0.0, "end": 1.0, "step": 0.1}, fn=lambda: torch.arange(0, 1, 0.1))
    case("arange -5..7 step 3", "arange", [], {"start": -5, "end": 7, "step": 3}, fn=lambda: torch.arange(-5, 7, 3, dtype=torch.int32))
    case("eye 3x4", "eye", [], {"n": 3, "m": 4}, fn=lambda: torch.eye(3, 4))

    return out
