#!/usr/bin/env bash
# Installs the Debian 12 packages bgtasks builds and tests with, and nothing
# when they are all present already. Run as root.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang-16 libclang-rt-16-dev   # compilers; clang's sanitizer runtimes and libFuzzer
  libfuzzer-16-dev                                    # libFuzzer's standalone headers and library
  libgtest-dev libgmock-dev                           # tests
  libbenchmark-dev libboost-dev libtbb-dev            # benchmarks and their peers
  libclang-16-dev libclang-cpp16-dev llvm-16-dev      # bg-gen: Clang LibTooling (shared libraries)
  libkainjow-mustache-dev nlohmann-json3-dev          # bg-gen's templates; manifest and dispatch by name
  libcpp-httplib-dev curl                             # the HTTP service example and its end-to-end test
  libasio-dev                                         # bgtasks::asio: coroutine tasks (standalone Asio)
  prometheus                                          # promtool: the e2e test validates GET /metrics
  libhiredis-dev pkg-config redis-server              # bgtasks::redis: durable tasks; tests start their own server
  libssl-dev openssl                                  # bgtasks::redis: TLS (rediss://); tests make certificates with openssl
  python3 python3-celery python3-redis                # the docs-samples check; the durable-task benchmark's peer (Celery on the same Redis)
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install_debian_deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install_debian_deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
