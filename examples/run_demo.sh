#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main example (quickstart:
# annotated functions, bg-gen through bg_generate_tasks, typed calls, the
# registry, and a shutdown report).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/cmake/install_debian_deps.sh"
cmake -S "$root" -B "$root/build-demo" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBG_BUILD_TESTS=OFF > /dev/null
cmake --build "$root/build-demo" -j 2 --target quickstart
echo "--- generated: $root/build-demo/examples/quickstart/quickstart_bg_tasks/bg_tasks.{hpp,cpp,json}"
"$root/build-demo/examples/quickstart/quickstart"
