#!/usr/bin/env python3
"""The plain path before and after a change: bgtasks' throughput and submit
latency from two builds of bench/task_pool, measured in the same run.

Usage: plain_path.py BEFORE/bg_bench_task_pool AFTER/bg_bench_task_pool [rounds]

Runs the two binaries alternately (rounds, default 3, each a full
12-instance throughput measurement plus the submit-latency benchmarks), so
that both meet the same states of the machine, and prints one table: the
median of each figure over the rounds, and the cache-line round trip that
tells which state the machine was in (see bench/task_pool/machine.cpp).
"""
import json
import statistics
import subprocess
import sys
import tempfile

FILTER = "^(machine/|throughput/(bgtasks|asio_thread_pool)/|submit_(flat_out|busy_workers)/bgtasks)"


def run(binary):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([binary, f"--benchmark_filter={FILTER}", "--benchmark_enable_random_interleaving=true",
                        f"--benchmark_out={out.name}", "--benchmark_out_format=json"],
                       check=True, stdout=subprocess.DEVNULL)
        results = json.load(open(out.name))
    figures = {}
    for bench in results["benchmarks"]:
        name = bench["name"]
        if name.startswith("machine/"):
            figures["round trip ns"] = bench["round_trip_ns"]
        elif name.startswith("throughput/") and bench.get("run_type") == "aggregate":
            peer = bench["run_name"].split("/")[1]
            figures[f"{peer} throughput {bench['aggregate_name']} (M/s)"] = bench["items_per_second"] / 1e6
        elif name.startswith("submit_"):
            kind = name.split("/")[0]
            figures[f"{kind} p50 ns"] = bench["p50_ns"]
            figures[f"{kind} p99 ns"] = bench["p99_ns"]
    return figures


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    before_bin, after_bin = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    runs = {"before": [], "after": []}
    for _ in range(rounds):
        runs["before"].append(run(before_bin))
        runs["after"].append(run(after_bin))
    keys = [k for k in runs["before"][0] if "stddev" not in k and "cv" not in k and "mean" not in k]
    print(f"| figure (median of {rounds} runs each, interleaved) | before | after |")
    print("|---|---|---|")
    for key in keys:
        cells = []
        for side in ("before", "after"):
            values = [r[key] for r in runs[side] if key in r]
            cells.append(f"{statistics.median(values):.2f}" if values else "-")
        print(f"| {key} | {cells[0]} | {cells[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
