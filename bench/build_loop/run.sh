#!/usr/bin/env bash
# The edit-compile loop of a realistic project, with and without bgtasks, for
# Ninja and Unix Makefiles, in one run.
#
#   bench/build_loop/run.sh <bgtasks install prefix> [sources=64] [jobs=2]
#
# Generates a project of N sources (standard library, nlohmann-json and Boost
# headers, six [[bg::task]] functions in three of them), then for each
# generator and each variant (plain: the same sources, no bg_generate_tasks;
# bgtasks: bg_generate_tasks) times, in seconds:
#   clean      a full build after configuring
#   no-op      a build with nothing changed
#   task-body  a build after editing the body of a task
#   no-task    a build after editing a source without tasks
#   no-op-2    a build with nothing changed, after those edits
# and prints one table. Release flags (-O2), -j jobs.
set -euo pipefail
prefix=$(cd "${1:?usage: run.sh <bgtasks install prefix> [sources] [jobs]}" && pwd)
sources=${2:-64}
jobs=${3:-2}
work=$(mktemp -d /tmp/bg_build_loop.XXXXXX)
trap 'rm -rf "$work"' EXIT

project=$work/project
mkdir -p "$project/src"
cat > "$project/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(loop CXX)
set(CMAKE_CXX_STANDARD 20)
find_package(bgtasks CONFIG REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp)
add_executable(loop ${sources})
target_include_directories(loop PRIVATE src)
target_link_libraries(loop PRIVATE bgtasks::runtime nlohmann_json::nlohmann_json)
if(WITH_BG)
  target_compile_definitions(loop PRIVATE WITH_BG=1)
  bg_generate_tasks(loop)
endif()
CMAKE

# Headers a service's sources include: a few heavy ones in rotation.
heavy=("<nlohmann/json.hpp>" "<regex>" "<boost/algorithm/string.hpp>" "<iostream>" "<unordered_map>" "<chrono>")
for ((i = 0; i < sources; i++)); do
  file=$project/src/unit_$i.cpp
  {
    echo "// generated unit $i"
    echo "#include <algorithm>"
    echo "#include <map>"
    echo "#include <string>"
    echo "#include <vector>"
    echo "#include ${heavy[$((i % ${#heavy[@]}))]}"
    echo "#include ${heavy[$(((i + 2) % ${#heavy[@]}))]}"
    echo "namespace unit_$i {"
    echo "std::string describe(const std::vector<int>& xs) {"
    echo "  std::map<int, std::string> names;"
    echo "  for (int x : xs) names[x] = std::to_string(x * $i);"
    echo "  std::string out;"
    echo "  for (const auto& [k, v] : names) out += v + ',';"
    echo "  std::sort(out.begin(), out.end());"
    echo "  return out;"
    echo "}"
    echo "}  // namespace unit_$i"
    echo "int unit_${i}_value() { return static_cast<int>(unit_$i::describe({1, 2, $i}).size()); }"
  } > "$file"
done
# Six tasks in three headers, defined in three of the sources.
for t in 0 1 2; do
  cat > "$project/src/tasks_$t.hpp" <<HPP
#pragma once
#include <bg/task.hpp>
#include <string>
#include <vector>
namespace jobs$t {
[[bg::task]] void send_$t(std::string to, std::string body);
[[bg::task]] void crunch_$t(std::vector<int> numbers, int rounds = 3);
}
HPP
  cat >> "$project/src/unit_$t.cpp" <<CPP
#include "tasks_$t.hpp"
namespace jobs$t {
void send_$t(std::string to, std::string body) { (void)to; (void)body; }
void crunch_$t(std::vector<int> numbers, int rounds) { (void)numbers; (void)rounds; }
}
CPP
done
cat > "$project/src/main.cpp" <<'CPP'
#include <cstdio>
#ifdef WITH_BG
#include "bg_tasks.hpp"
#endif
int unit_0_value();
int main() {
#ifdef WITH_BG
  bg::Lifespan life{{.workers = 2}};
  tasks::send_0.later("ada@example.com", "hi");
  tasks::crunch_1.later(std::vector<int>{1, 2, 3});
#endif
  std::printf("%d\n", unit_0_value());
}
CPP

seconds() { local start=$EPOCHREALTIME; "$@" > /dev/null || exit 1; awk -v a="$EPOCHREALTIME" -v b="$start" 'BEGIN { printf "%.3f", a - b }'; }
edit() { echo "int edited_$RANDOM$RANDOM() { return 1; }" >> "$1"; }

declare -A result
for generator in "Ninja" "Unix Makefiles"; do
  for variant in plain bgtasks; do
    copy=$work/$variant-${generator// /_}
    rm -rf "$copy" && cp -r "$project" "$copy"
    flag=OFF; [[ $variant == bgtasks ]] && flag=ON
    cmake -S "$copy" -B "$copy/build" -G "$generator" -DCMAKE_BUILD_TYPE=Release -DWITH_BG=$flag \
      -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
    # A failed build stops the benchmark with its log: a time is only worth
    # reporting for a build that succeeded.
    build() {
      cmake --build "$copy/build" -j "$jobs" > "$copy/build.log" 2>&1 ||
        { cat "$copy/build.log" >&2; echo "build failed: $copy" >&2; exit 1; }
    }
    key="$generator|$variant"
    result[$key|clean]=$(seconds build)
    result[$key|no-op]=$(seconds build)
    sleep 1.1; edit "$copy/src/unit_1.cpp"    # holds tasks: a task's body changes
    result[$key|task-body]=$(seconds build)
    sleep 1.1; edit "$copy/src/unit_40.cpp"   # no task
    result[$key|no-task]=$(seconds build)
    result[$key|no-op-2]=$(seconds build)
    "$copy/build/loop" > /dev/null
  done
done

printf "\n%d sources, -j%d, Release; seconds (extra = bgtasks - plain)\n" "$sources" "$jobs"
printf "%-15s %-10s %8s %8s %8s %8s\n" generator step plain bgtasks extra ratio
for generator in "Ninja" "Unix Makefiles"; do
  for step in clean no-op task-body no-task no-op-2; do
    p=${result[$generator|plain|$step]}
    b=${result[$generator|bgtasks|$step]}
    awk -v g="$generator" -v s="$step" -v p="$p" -v b="$b" \
      'BEGIN { printf "%-15s %-10s %8.2f %8.2f %+8.2f %8.3f\n", g, s, p, b, b - p, b / p }'
  done
done
