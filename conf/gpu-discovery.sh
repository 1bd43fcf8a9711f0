#!/usr/bin/env bash
# Spark resource discovery script for NVIDIA GPUs (spark.executor.resource.gpu.discoveryScript,
# spark.worker.resource.gpu.discoveryScript): prints the GPUs nvidia-smi lists as
#   {"name":"gpu","addresses":["0","1"]}
# Addresses are the CUDA device ordinals a process started here sees (0..n-1, n = the GPUs
# nvidia-smi lists, or those CUDA_VISIBLE_DEVICES keeps), which ND4J's CUDA backend binds to.
set -euo pipefail
if [ -n "${CUDA_VISIBLE_DEVICES+set}" ]; then
  count=$(printf '%s' "$CUDA_VISIBLE_DEVICES" | tr ',' '\n' | grep -c '[^[:space:]]' || true)
else
  if ! command -v nvidia-smi >/dev/null 2>&1; then
    echo "gpu-discovery: nvidia-smi not found: no NVIDIA driver on $(hostname)" >&2
    exit 1
  fi
  count=$(nvidia-smi --query-gpu=index --format=csv,noheader | grep -c '[0-9]' || true)
fi
addresses=
for ((i = 0; i < count; i++)); do
  addresses+="${addresses:+,}\"$i\""
done
printf '{"name":"gpu","addresses":[%s]}\n' "$addresses"
