#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main example.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/cmake/install_debian_deps.sh"
cmake -S "$root" -B "$root/build-demo" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBG_BUILD_TESTS=OFF > /dev/null
cmake --build "$root/build-demo" -j 2 --target runtime_tour
"$root/build-demo/examples/runtime_tour/runtime_tour"
