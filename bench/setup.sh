#!/usr/bin/env bash
# Installs the frameworks the benchmark compares with, apart from convkit's own dependencies:
# npm peers into bench/peers/node_modules (from its lockfile), ONNX exports of the inference workloads.
# PyTorch is Debian's: apt-get install python3-torch python3-torchvision libopenblas0-pthread
set -euo pipefail
cd "$(dirname "$0")/peers"
# onnxruntime-node's install script would try to download GPU binaries; the CPU engine ships in the package
ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
/usr/bin/python3 export_onnx.py
