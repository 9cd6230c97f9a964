#!/usr/bin/env python3
"""Runs the throughput benchmark and prints min / median / max per peer.

Usage: throughput_table.py build/bench/bg_bench_task_pool [extra benchmark flags]

Every peer is measured in the same run, each in 12 fresh instances (see
kRepetitions in harness.hpp). Prints a Markdown table, then checks the
project's target: the bgtasks minimum is at least twice the Asio median.
Exits 1 when it is not met.
"""
import json
import subprocess
import sys
import tempfile


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        # Repetitions of all peers are interleaved at random, so a change in
        # the machine's state during the run (see machine.cpp) reaches every
        # peer alike instead of whichever ran at that moment.
        subprocess.run([sys.argv[1], "--benchmark_filter=^(throughput|machine)/", "--benchmark_enable_random_interleaving=true",
                        f"--benchmark_out={out.name}", "--benchmark_out_format=json", *sys.argv[2:]],
                       check=True, stdout=subprocess.DEVNULL)
        results = json.load(open(out.name))
    rates = {}  # peer -> {aggregate: tasks per second}
    round_trips = []
    for bench in results["benchmarks"]:
        if bench["name"].startswith("machine/"):
            round_trips.append(bench["round_trip_ns"])
            continue
        if bench.get("run_type") != "aggregate":
            continue
        peer = bench["run_name"].split("/")[1]
        rates.setdefault(peer, {})[bench["aggregate_name"]] = bench["items_per_second"]
    print("| peer (2 workers) | min | median | max |")
    print("|---|---|---|---|")
    for peer, agg in rates.items():
        print(f"| {peer} | {agg['min'] / 1e6:.2f} M/s | {agg['median'] / 1e6:.2f} M/s | {agg['max'] / 1e6:.2f} M/s |")
    if round_trips:
        print(f"\ncache-line round trip between the two CPUs: {', '.join(f'{t:.0f}' for t in round_trips)} ns")
    ours = rates["bgtasks"]["min"]
    asio = rates["asio_thread_pool"]["median"]
    ratio = ours / asio
    verdict = "met" if ratio >= 2 else "NOT met"
    print(f"\nbgtasks min / asio median = {ratio:.2f} (target >= 2): {verdict}")
    return 0 if ratio >= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
