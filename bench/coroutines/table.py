#!/usr/bin/env python3
"""Runs the coroutine benchmarks and prints their two tables.

Usage: table.py BUILD_DIR

1. 100,000 no-op coroutine tasks through generated later(), against raw
   asio::co_spawn on an io_context run by one thread (bg_bench_coroutine_spawn,
   10 repetitions each, interleaved at random). Target: bgtasks' median time
   at most 1.3x raw Asio's (the faster raw variant).
2. 100,000 tasks each awaiting a 100 ms timer, started at once: wall time from
   the first submission to the end, and memory per waiting task, for bgtasks,
   raw Asio and Python's asyncio (a TaskGroup of asyncio.sleep(0.1)), each
   3 times in fresh processes; the median run is shown. Targets: at least
   10x faster than asyncio, at most 1 KB per waiting task.

Prints whether each target is met; exits 1 if one is not.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def spawn_table(build: str) -> bool:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([os.path.join(build, "bench", "bg_bench_coroutine_spawn"),
                        "--benchmark_enable_random_interleaving=true",
                        f"--benchmark_out={out.name}", "--benchmark_out_format=json"],
                       check=True, stdout=subprocess.DEVNULL)
        results = json.load(open(out.name))
    medians = {}
    for bench in results["benchmarks"]:
        if bench.get("aggregate_name") == "median":
            medians[bench["run_name"].split("/")[1]] = bench["real_time"]
    print("| 100,000 no-op coroutine tasks | median ms | per task |")
    print("|---|---|---|")
    for peer, ms in medians.items():
        print(f"| {peer} | {ms:.0f} | {ms * 1000 / 100_000:.2f} us |")
    raw = min(medians["raw_co_spawn"], medians["raw_post_co_spawn"])
    ratio = medians["bgtasks_later"] / raw
    met = ratio <= 1.3
    print(f"\nbgtasks_later / fastest raw Asio = {ratio:.2f} (target <= 1.3: {'met' if met else 'MISSED'})\n")
    return met


def sleep_runs(command: list[str]) -> dict:
    runs = []
    for _ in range(3):
        line = subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()
        runs.append(json.loads(line))
    runs.sort(key=lambda r: r["wall_s"])
    return runs[1]


def sleep_table(build: str) -> bool:
    sleep = os.path.join(build, "bench", "bg_bench_coroutine_sleep")
    rows = [sleep_runs([sleep, "100000", "100", "bgtasks"]),
            sleep_runs([sleep, "100000", "100", "raw"]),
            sleep_runs([sys.executable, os.path.join(HERE, "asyncio_sleep.py"), "100000", "100"])]
    print("| 100,000 tasks awaiting 100 ms | wall s | submit s | peak RSS MB | bytes per waiting task |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['peer']} | {r['wall_s']:.2f} | {r['submit_s']:.2f} | {r['peak_rss_mb']:.0f} | "
              f"{r['bytes_per_task']:.0f} |")
    bg, asyncio = rows[0], rows[2]
    speedup = asyncio["wall_s"] / bg["wall_s"]
    fast = speedup >= 10
    small = bg["bytes_per_task"] <= 1024
    print(f"\nasyncio / bgtasks wall time = {speedup:.1f}x (target >= 10x: {'met' if fast else 'MISSED'}); "
          f"{bg['bytes_per_task']:.0f} bytes per waiting task (target <= 1024: {'met' if small else 'MISSED'})")
    return fast and small


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    build = sys.argv[1]
    met = spawn_table(build)
    met = sleep_table(build) and met
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
