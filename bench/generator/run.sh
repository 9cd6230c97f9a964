#!/usr/bin/env bash
# bg-gen against clang++-16 -fsyntax-only on the same translation unit, in the
# same run, alternating, RUNS times each (default 10); prints each median and
# the ratio. The target is bg-gen <= 0.7 x the compiler's parse.
#   bench/generator/run.sh [BG_GEN] [RUNS]
# BG_GEN defaults to build/generator/bg-gen (configure with CMAKE_BUILD_TYPE=Release).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bg_gen="${1:-$root/build/generator/bg-gen}"
runs="${2:-10}"
source="$root/bench/generator/heavy.cpp"
flags=(-std=c++20 -I"$root/runtime/include" -I"$root/annotations/include")
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

seconds() { local start end; start=$(date +%s%N); "$@" > /dev/null 2>&1; end=$(date +%s%N); echo $(( (end - start) / 1000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# Warm the page cache for both.
"$bg_gen" -j 1 -o "$out" "$source" -- "${flags[@]}"
clang++-16 -fsyntax-only "${flags[@]}" "$source"

gen_times=() ; clang_times=()
for ((i = 0; i < runs; ++i)); do
  gen_times+=("$(seconds "$bg_gen" -j 1 -o "$out" "$source" -- "${flags[@]}")")
  clang_times+=("$(seconds clang++-16 -fsyntax-only "${flags[@]}" "$source")")
done
gen=$(printf '%s\n' "${gen_times[@]}" | median)
clang=$(printf '%s\n' "${clang_times[@]}" | median)
awk -v g="$gen" -v c="$clang" -v n="$runs" 'BEGIN {
  printf "bg-gen (1 TU, -j 1)          median %6.1f ms over %d runs\n", g / 1000, n
  printf "clang++-16 -fsyntax-only     median %6.1f ms over %d runs\n", c / 1000, n
  printf "ratio bg-gen / clang++-16    %.2f (target <= 0.70)\n", g / c
}'
