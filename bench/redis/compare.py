#!/usr/bin/python3
"""Durable tasks: bgtasks::redis against Celery, on one redis-server, in one run.

  /usr/bin/python3 bench/redis/compare.py BUILD_DIR [--tasks N]

Starts redis-server on a free loopback port (stopped by its pid at the end),
runs build/bench/bg_bench_redis_durable (Google Benchmark) against it, then
Celery 5 (Debian's python3-celery, with python3-redis) against the same
server, and prints the table with the issue's targets. Run it with
/usr/bin/python3: another python3 first on PATH may lack Celery.

Celery's drain is timed from its first task's run to its last (its worker's
start-up is left out); bgtasks' from Worker::start() to the last
acknowledgement (start-up included). Both leave every task acknowledged.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port != 6379:
            return port


def start_redis(workdir):
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", workdir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(200):
        try:
            if client.ping():
                return proc, port
        except redis.exceptions.ConnectionError:
            time.sleep(0.02)
    proc.kill()
    sys.exit("compare.py: redis-server did not answer PING")


def run_bgtasks(build, env):
    binary = os.path.join(build, "bench", "bg_bench_redis_durable")
    out = subprocess.run([binary, "--benchmark_format=json"], env=env, check=True, capture_output=True, text=True)
    results = {b["name"].split("/min_time")[0].split("/iterations")[0]: b for b in json.loads(out.stdout)["benchmarks"]}
    return {
        "enqueue_one": results["enqueue/one"]["items_per_second"],
        "enqueue_pipelined": results["enqueue/pipelined"]["items_per_second"],
        "drain": results["drain/one_process"]["items_per_second"],
    }


def run_celery(env, tasks):
    sys.path.insert(0, HERE)
    os.environ["BG_BENCH_REDIS"] = env["BG_BENCH_REDIS"]
    import celery_peer
    import redis
    r = redis.Redis.from_url(env["BG_BENCH_REDIS"])
    # Enqueue one at a time (after a warm-up that opens the connection).
    for _ in range(200):
        celery_peer.noop.delay()
    r.delete(celery_peer.QUEUE)
    start = time.perf_counter()
    for _ in range(tasks):
        celery_peer.noop.delay()
    enqueue = tasks / (time.perf_counter() - start)
    r.delete(celery_peer.QUEUE)
    # Drain: first mark, the no-ops, last mark; then one worker process.
    celery_peer.mark.delay("bench:first")
    for _ in range(tasks):
        celery_peer.noop.delay()
    celery_peer.mark.delay("bench:last")
    worker_env = dict(env, PYTHONPATH=HERE)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "celery_peer", "worker", "--pool=solo", "--concurrency=1",
         "--prefetch-multiplier=64", "-Q", celery_peer.QUEUE, "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--loglevel=WARNING"], env=worker_env, cwd=HERE,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 300
    while r.get("bench:last") is None and time.time() < deadline and worker.poll() is None:
        time.sleep(0.05)
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    if r.get("bench:last") is None:
        sys.exit("compare.py: the Celery worker did not drain the queue:\n" + worker.stderr.read().decode())
    first, last = float(r.get("bench:first")), float(r.get("bench:last"))
    return {"enqueue_one": enqueue, "drain": tasks / (last - first)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", help="the CMake build directory (configured with -DBG_BUILD_BENCH=ON)")
    parser.add_argument("--tasks", type=int, default=20000, help="Celery tasks to enqueue and drain")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bg-bench-redis-")
    proc, port = start_redis(workdir)
    try:
        env = dict(os.environ, BG_BENCH_REDIS=f"redis://127.0.0.1:{port}")
        bg = run_bgtasks(args.build, env)
        cel = run_celery(env, args.tasks)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)

    def row(name, ours, theirs, target, ok):
        peer = f"{theirs:,.0f}" if theirs else "-"
        ratio = f"{ours / theirs:.1f}x" if theirs else "-"
        print(f"| {name} | {ours:,.0f} | {peer} | {ratio} | {target} | {'met' if ok else 'MISSED'} |")

    print(f"redis-server 7 on 127.0.0.1:{port}; Celery {__import__('celery').__version__}, "
          f"solo pool, prefetch 64, late acks; bgtasks worker: 2 threads, 64 in flight")
    print("| tasks/s | bgtasks | Celery | ratio | target | |")
    print("|---|---|---|---|---|---|")
    row("enqueue, one at a time", bg["enqueue_one"], cel["enqueue_one"], ">= 5x Celery",
        bg["enqueue_one"] >= 5 * cel["enqueue_one"])
    row("enqueue, pipelined (batches of 1,000)", bg["enqueue_pipelined"], 0, ">= 100,000/s",
        bg["enqueue_pipelined"] >= 100_000)
    row("no-op tasks run end to end, one worker process", bg["drain"], cel["drain"], ">= 10x Celery",
        bg["drain"] >= 10 * cel["drain"])


if __name__ == "__main__":
    main()
