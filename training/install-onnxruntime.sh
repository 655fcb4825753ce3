#!/usr/bin/env bash
# Installs the ONNX Runtime shared library that segment_onnx loads at run time: a Python venv
# at target/tools/onnxruntime-venv holding the pinned onnxruntime wheel from PyPI
# (libonnxruntime.so.* lies in its onnxruntime/capi/ folder). Idempotent.
set -euo pipefail
ONNXRUNTIME_VERSION=1.31.1
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${NEURAXIS_ORT_VENV:-$root/target/tools/onnxruntime-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "onnxruntime==$ONNXRUNTIME_VERSION"
ls "$venv"/lib/python3*/site-packages/onnxruntime/capi/libonnxruntime.so*
