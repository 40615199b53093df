"""Cuts the built-in Fashion-MNIST slice (data/fashion-mnist/) from the Debian package's full files.

Usage: python3 tools/make_builtin_data.py [SOURCE_DIR]
SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist).
Keeps the first TRAIN training and TEST test records in IDX format, gzip-compressed with a zero
timestamp so that the output is byte-for-byte reproducible. Needs only the Python standard library.
"""
import gzip
import hashlib
import os
import struct
import sys

TRAIN = 10000
TEST = 2000
FILES = {
    'train-images-idx3-ubyte.gz': TRAIN,
    'train-labels-idx1-ubyte.gz': TRAIN,
    't10k-images-idx3-ubyte.gz': TEST,
    't10k-labels-idx1-ubyte.gz': TEST,
}
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'fashion-mnist')


def cut(raw: bytes, count: int) -> bytes:
    """The first `count` records of an IDX file: header with dim 0 rewritten, then the records."""
    zero, zero2, dtype, ndim = raw[0], raw[1], raw[2], raw[3]
    if zero or zero2 or dtype != 0x08:
        raise ValueError('expected an IDX file of unsigned bytes')
    dims = list(struct.unpack('>' + 'I' * ndim, raw[4:4 + 4 * ndim]))
    if dims[0] < count:
        raise ValueError(f'the source has {dims[0]} records, fewer than {count}')
    record = 1
    for d in dims[1:]:
        record *= d
    start = 4 + 4 * ndim
    header = raw[:4] + struct.pack('>' + 'I' * ndim, count, *dims[1:])
    return header + raw[start:start + count * record]


def main() -> None:
    src = sys.argv[1] if len(sys.argv) > 1 else '/usr/share/datasets/fashion-mnist'
    os.makedirs(OUT, exist_ok=True)
    for name, count in FILES.items():
        with gzip.open(os.path.join(src, name), 'rb') as f:
            data = cut(f.read(), count)
        path = os.path.join(OUT, name)
        with open(path, 'wb') as f:
            # mtime=0 and no file name in the header: the same input gives the same bytes
            with gzip.GzipFile(filename='', mode='wb', fileobj=f, compresslevel=9, mtime=0) as gz:
                gz.write(data)
        digest = hashlib.sha256(open(path, 'rb').read()).hexdigest()
        print(f'{path}: {count} records, {os.path.getsize(path)} bytes, sha256 {digest}')


if __name__ == '__main__':
    main()
