#!/usr/bin/env python3
"""Fixtures for convkit's data tests, computed with torchvision, numpy and PIL (run with /usr/bin/python3).

Writes
- test/fixtures/transforms.json: torchvision.transforms.functional on small tensors (pad, crop, center_crop,
  flips, resize, affine, normalize, to_tensor), inputs and outputs;
- test/fixtures/data/cifar-10-batches-bin/: CIFAR-10 binary batches with 2 random records each, and
  test/fixtures/cifar.json with what numpy says the first records look like as [C,H,W] / 255;
- test/fixtures/data/image-folder/: a class-per-folder tree of tiny PNG and JPEG files, and
  test/fixtures/image_folder.json with their classes and PIL-decoded pixels;
- test/fixtures/data/fashion-mini/: the first 50 records of the built-in Fashion-MNIST slice as plain
  (uncompressed) IDX files, and test/fixtures/fashion_mini.json with their labels and pixel sums.
Run: /usr/bin/python3 tools/gen_data_fixtures.py
"""
import gzip
import json
import pathlib
import shutil
import struct

import numpy as np
import torch
import torchvision.transforms.functional as TF
from torchvision.transforms import InterpolationMode
from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIX = ROOT / "test" / "fixtures"
DATA = FIX / "data"
torch.manual_seed(0)
rng = np.random.default_rng(0)


def spec(t):
    t = torch.as_tensor(t).detach()
    dtype = "float32" if t.dtype == torch.float32 else "float64" if t.dtype == torch.float64 else "int32"
    return {"shape": list(t.shape), "dtype": dtype, "data": [float(repr_f32(v)) if dtype == "float32" else v for v in t.reshape(-1).tolist()]}


def repr_f32(v):
    return float(np.float32(v))


def write_json(name, obj):
    (FIX / f"{name}.json").write_text(json.dumps(obj, separators=(",", ":")) + "\n")


def transforms_fixture():
    x = torch.rand(2, 6, 7)  # two channels, 6 rows, 7 columns
    cases = []

    def case(name, op, args, out):
        cases.append({"name": name, "op": op, "args": args, "output": spec(out)})

    for mode in ["constant", "edge", "reflect", "symmetric"]:
        case(f"pad 2 {mode}", "pad", {"padding": 2, "paddingMode": mode}, TF.pad(x, 2, padding_mode=mode))
        case(f"pad [1,3] {mode}", "pad", {"padding": [1, 3], "paddingMode": mode}, TF.pad(x, [1, 3], padding_mode=mode))
        case(f"pad [0,1,2,3] {mode}", "pad", {"padding": [0, 1, 2, 3], "paddingMode": mode}, TF.pad(x, [0, 1, 2, 3], padding_mode=mode))
    case("pad 1 fill 0.5", "pad", {"padding": 1, "fill": 0.5}, TF.pad(x, 1, fill=0.5))
    case("crop inside", "crop", {"top": 1, "left": 2, "height": 3, "width": 4}, TF.crop(x, 1, 2, 3, 4))
    case("crop beyond edges", "crop", {"top": -1, "left": 5, "height": 4, "width": 4}, TF.crop(x, -1, 5, 4, 4))
    for size in [3, [4, 5], [5, 4], 9, [8, 10], [6, 8]]:
        case(f"center_crop {size}", "centerCrop", {"size": size}, TF.center_crop(x, size))
    case("hflip", "hflip", {}, TF.hflip(x))
    case("vflip", "vflip", {}, TF.vflip(x))
    for size in [[3, 4], [12, 15], [4, 11], 5, 10]:
        for mode in [InterpolationMode.BILINEAR, InterpolationMode.NEAREST]:
            out = TF.resize(x, size, interpolation=mode, antialias=False)
            case(f"resize {size} {mode.value}", "resize", {"size": size, "interpolation": mode.value}, out)
    affines = [
        (30.0, [0, 0], 1.0, [0.0, 0.0], None, None),
        (-17.5, [1, -2], 1.1, [10.0, 5.0], None, None),
        (12.0, [2, 1], 0.9, [0.0, 0.0], 0.5, None),
        (45.0, [0, 0], 1.0, [0.0, 0.0], [0.25, 0.75], [2, 3]),
        (0.0, [1, 2], 1.0, [0.0, 0.0], 0.0, None),
    ]
    for angle, translate, scale, shear, fill, center in affines:
        for mode in [InterpolationMode.NEAREST, InterpolationMode.BILINEAR]:
            out = TF.affine(x, angle=angle, translate=translate, scale=scale, shear=shear, interpolation=mode, fill=fill, center=center)
            args = {"angle": angle, "translate": translate, "scale": scale, "shear": shear, "interpolation": mode.value}
            if fill is not None:
                args["fill"] = fill
            if center is not None:
                args["center"] = center
            case(f"affine {angle} {translate} {scale} {shear} {mode.value} fill={fill} center={center}", "affine", args, out)
    img3 = torch.rand(3, 4, 5)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    normalize = {"input": spec(img3), "mean": mean, "std": std, "output": spec(TF.normalize(img3, mean, std))}
    pixels = rng.integers(0, 256, size=(3, 4, 3), dtype=np.uint8)  # H, W, C
    to_tensor = {"input": {"height": 3, "width": 4, "channels": 3, "data": pixels.reshape(-1).tolist()}, "output": spec(TF.to_tensor(pixels))}
    write_json("transforms", {"input": spec(x), "cases": cases, "normalize": normalize, "toTensor": to_tensor})


def cifar_fixture():
    out = DATA / "cifar-10-batches-bin"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    expected = {}
    names = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]
    for name in names:
        labels = rng.integers(0, 10, size=2, dtype=np.uint8)
        images = rng.integers(0, 256, size=(2, 3072), dtype=np.uint8)
        records = np.concatenate([labels[:, None], images], axis=1)
        (out / name).write_bytes(records.tobytes())
        entry = {"labels": labels.tolist(), "pixelSums": images.sum(axis=1).tolist()}
        if name == "data_batch_2.bin":
            entry["firstCHW"] = images[0].tolist()  # red plane, green plane, blue plane, row-major
        expected[name] = entry
    (out / "batches.meta.txt").write_text("\n".join(["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]) + "\n")
    write_json("cifar", expected)


def image_folder_fixture():
    out = DATA / "image-folder"
    shutil.rmtree(out, ignore_errors=True)
    files = [("cat", "a.png", "RGB"), ("cat", "b.jpg", "RGB"), ("cat", "notes.txt", None), ("dog", "x.png", "L"), ("dog", "y.png", "RGBA"), ("dog", "sub/z.jpeg", "RGB")]
    samples = []
    for cls, name, mode in files:
        path = out / cls / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if mode is None:
            path.write_text("not an image\n")
            continue
        channels = {"RGB": 3, "L": 1, "RGBA": 4}[mode]
        arr = rng.integers(0, 256, size=(5, 6, channels), dtype=np.uint8)
        if name.endswith(("jpg", "jpeg")):
            arr = np.repeat(np.repeat(rng.integers(0, 256, size=(3, 3, 3), dtype=np.uint8), 2, 0), 2, 1)[:5, :6]  # smooth blocks survive JPEG better
        Image.fromarray(arr.squeeze(-1) if channels == 1 else arr, mode).save(path, quality=95, subsampling=0) if name.endswith(("jpg", "jpeg")) else Image.fromarray(arr.squeeze(-1) if channels == 1 else arr, mode).save(path)
        decoded = np.asarray(Image.open(path).convert("RGB"))
        samples.append({"path": f"{cls}/{name}", "class": cls, "rgb": spec(torch.from_numpy(decoded.copy()).permute(2, 0, 1).float() / 255.0)})
    samples.sort(key=lambda s: s["path"])
    write_json("image_folder", {"classes": ["cat", "dog"], "samples": samples})


def idx_fixture():
    out = DATA / "fashion-mini"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    src = ROOT / "data" / "fashion-mnist"
    result = {}
    for split in ["train", "t10k"]:
        images = gzip.open(src / f"{split}-images-idx3-ubyte.gz").read()
        labels = gzip.open(src / f"{split}-labels-idx1-ubyte.gz").read()
        n = 50
        (out / f"{split}-images-idx3-ubyte").write_bytes(images[:4] + struct.pack(">III", n, 28, 28) + images[16:16 + n * 784])
        (out / f"{split}-labels-idx1-ubyte").write_bytes(labels[:4] + struct.pack(">I", n) + labels[8:8 + n])
        pixels = np.frombuffer(images, np.uint8, offset=16).reshape(-1, 28, 28)
        result[split] = {
            "count": int.from_bytes(images[4:8], "big"),
            "labels": list(labels[8:8 + n]),
            "pixelSums": [int(pixels[i].sum()) for i in range(n)],
            "labelCounts": np.bincount(np.frombuffer(labels, np.uint8, offset=8), minlength=10).tolist(),
        }
    write_json("fashion_mini", result)


if __name__ == "__main__":
    transforms_fixture()
    cifar_fixture()
    image_folder_fixture()
    idx_fixture()
