#!/usr/bin/env bash
# The GPU check of the webgpu backend in one script, for a machine with a GPU (the `device` tool's, or any):
# installs what is missing (npm ci, bench/peers), records the adapter, runs the webgpu tests on the machine's own
# driver and then the GPU benchmark (convkit, tfjs-webgpu, onnxruntime-web, PyTorch CUDA). Everything lands in $OUT.
#   bench/gpu-run.sh [all|tests|bench]   OUT=dir (default runs/gpu-<time>)  SIZE=full|small  FRAMEWORKS=a,b  ONLY=gemm,conv
#   SIZE=small CONVKIT_WEBGPU_NATIVE= bench/gpu-run.sh    checks the script itself on SwiftShader (no GPU)
set -uo pipefail
cd "$(dirname "$0")/.."
PHASE=${1:-all}
OUT=${OUT:-runs/gpu-$(date -u +%Y%m%dT%H%M%SZ)}
SIZE=${SIZE:-full}
FRAMEWORKS=${FRAMEWORKS:-convkit,tfjs-webgpu,ort-webgpu,pytorch-cuda}
# the machine's own Vulkan driver (a real GPU), not SwiftShader; SIZE=small runs default to SwiftShader
if [ "$SIZE" = full ]; then export CONVKIT_WEBGPU_NATIVE=${CONVKIT_WEBGPU_NATIVE-1}; fi
if [ -z "${CONVKIT_WEBGPU_NATIVE:-}" ] && [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f /usr/lib/chromium/vk_swiftshader_icd.json ]; then
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
fi
mkdir -p "$OUT"
log() { echo "[gpu-run $(date -u +%T)] $*" | tee -a "$OUT/summary.txt"; }

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund > "$OUT/npm-ci.log" 2>&1 || log "npm ci failed: see npm-ci.log"
fi
if [ ! -d bench/peers/node_modules ]; then
  (cd bench/peers && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund) > "$OUT/peers.log" 2>&1 \
    || log "bench/peers not installed (tfjs-webgpu and onnxruntime-web cells will say so): see peers.log"
fi
{ nvidia-smi 2>&1 || echo "no nvidia-smi"; vulkaninfo --summary 2>&1 || echo "no vulkaninfo"; } > "$OUT/machine.txt"
node --import tsx --input-type=module -e "
const ck = await import('./src/index.ts');
const { findBackend } = await import('./src/backends/registry.ts');
try { await ck.ready('webgpu'); console.log('adapter:', findBackend('webgpu').adapter); }
catch (e) { console.log('no webgpu adapter:', e.message); }
process.exit(0);" 2>&1 | grep -v XDG_RUNTIME_DIR | tee -a "$OUT/summary.txt"

if [ "$PHASE" = all ] || [ "$PHASE" = tests ]; then
  # the webgpu suite: conformance (PyTorch's fixtures), kernels, fused updates and epilogues, training, device
  timeout "${TEST_TIMEOUT:-480}" node --import tsx --test test/backends/webgpu/*.test.ts > "$OUT/webgpu-tests.log" 2>&1
  rc=$?
  log "webgpu tests: exit $rc, $(grep -E '^# (pass|fail|skipped)' "$OUT/webgpu-tests.log" | tr '\n' ' ')"
fi
if [ "$PHASE" = all ] || [ "$PHASE" = bench ]; then
  timeout "${BENCH_TIMEOUT:-1200}" node --import tsx bench/run.ts --device webgpu --size "$SIZE" --frameworks "$FRAMEWORKS" ${ONLY:+--only "$ONLY"} \
    --out "$OUT/webgpu.json" > "$OUT/bench.md" 2> "$OUT/bench.log"
  log "benchmark: exit $?, table in bench.md, cells in webgpu.json"
  cat "$OUT/bench.md"
fi
