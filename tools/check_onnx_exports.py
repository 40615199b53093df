"""Runs onnx.checker.check_model(full_check=True) (Debian's python3-onnx) over convkit's ONNX exports and commits
the verdict to test/fixtures/onnx/checker.json, which the ONNX tests read (by graph signature).
Run: /usr/bin/python3 tools/check_onnx_exports.py   (it calls tools/export_onnx_samples.ts through node first)"""
import json
import os
import subprocess
import tempfile

import onnx

from fixtures import FIXTURES

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')


def main():
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(['node', '--import', 'tsx', 'tools/export_onnx_samples.ts', out], cwd=ROOT, check=True)
        with open(os.path.join(out, 'manifest.json')) as f:
            manifest = json.load(f)
        results = []
        for entry in manifest:
            error = None
            try:
                onnx.checker.check_model(onnx.load(os.path.join(out, entry['file'])), full_check=True)
            except Exception as e:  # the checker's verdict is the fixture: record it whatever it is
                error = f'{type(e).__name__}: {e}'
            print(f"{entry['name']} (opset {entry['opset']}): {'ok' if error is None else error}")
            results.append({'name': entry['name'], 'opset': entry['opset'], 'signature': entry['signature'], 'ok': error is None, 'error': error})
    path = os.path.join(FIXTURES, 'onnx', 'checker.json')
    with open(path, 'w') as f:
        json.dump({'onnx': onnx.__version__, 'full_check': True, 'results': results}, f, indent=1)
    print(f'wrote {path}')


if __name__ == '__main__':
    main()
