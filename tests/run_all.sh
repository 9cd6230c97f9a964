#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test in four builds:
#   gcc      GCC 12, -Werror, all tests (unit, compile-fail, consumer projects)
#            and the benchmarks compiled (not run: they are not tests)
#   clang    Clang 16, -Werror, all tests
#   tsan     Clang 16 + ThreadSanitizer, the runtime's tests (bg-gen is not
#            built: it runs no threads of its own that share state)
#   asan     GCC 12 + AddressSanitizer + UBSan, all tests
# Usage: tests/run_all.sh [gcc clang tsan asan]   (default: all four)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
builds=("$@")
((${#builds[@]})) || builds=(gcc clang tsan asan)

bash "$root/cmake/install_debian_deps.sh"

jobs=2
export CTEST_OUTPUT_ON_FAILURE=1
# A sanitizer report fails the test run; halt at the first one.
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

run_build() {
  local name=$1; shift
  local dir="$root/build-ci-$name"
  echo "=== [$name] configure"
  cmake -S "$root" -B "$dir" -G Ninja -DBG_WARNINGS_AS_ERRORS=ON "$@" > "$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; return 1; }
  echo "=== [$name] build"
  cmake --build "$dir" -j "$jobs"
  echo "=== [$name] test"
  ctest --test-dir "$dir" -j "$jobs" --timeout 600
}

for build in "${builds[@]}"; do
  start=$SECONDS
  case "$build" in
    gcc)   run_build gcc -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Release -DBG_BUILD_BENCH=ON ;;
    clang) run_build clang -DCMAKE_CXX_COMPILER=clang++-16 -DCMAKE_BUILD_TYPE=Release ;;
    tsan)  run_build tsan -DCMAKE_CXX_COMPILER=clang++-16 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
             -DBG_SANITIZE=thread -DBG_BUILD_EXAMPLES=OFF -DBG_BUILD_GENERATOR=OFF ;;
    asan)  run_build asan -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Debug \
             "-DBG_SANITIZE=address,undefined" ;;
    *) echo "unknown build '$build' (gcc, clang, tsan, asan)" >&2; exit 2 ;;
  esac
  echo "=== [$build] passed in $((SECONDS - start)) s"
done
echo "all builds passed: ${builds[*]}"
