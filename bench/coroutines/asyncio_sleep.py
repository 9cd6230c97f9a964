#!/usr/bin/env python3
"""The same workload as bg_bench_coroutine_sleep in Python's asyncio: 100,000
tasks in an asyncio.TaskGroup, each awaiting asyncio.sleep(0.1). Prints one
JSON object in the same shape.

Usage: asyncio_sleep.py [tasks=100000] [ms=100]
"""
import asyncio
import json
import resource
import sys
import time


def rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def workload(tasks: int, seconds: float) -> tuple[float, float]:
    start = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for _ in range(tasks):
            group.create_task(asyncio.sleep(seconds))
        submitted = time.perf_counter()
    return time.perf_counter() - start, submitted - start


def main() -> None:
    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    ms = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    baseline = rss_kb()
    wall, submit = asyncio.run(workload(tasks, ms / 1000))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peer": "asyncio", "tasks": tasks, "completed": tasks, "wall_s": round(wall, 4),
                      "submit_s": round(submit, 4), "baseline_rss_mb": round(baseline / 1024, 1),
                      "peak_rss_mb": round(peak / 1024, 1),
                      "bytes_per_task": round((peak - baseline) * 1024 / tasks)}))


if __name__ == "__main__":
    main()
