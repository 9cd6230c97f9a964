#!/usr/bin/python3
"""Durable tasks: bgtasks::redis against Celery, on one redis-server, in one run.

  /usr/bin/python3 bench/redis/compare.py BUILD_DIR [--tasks N] [--baseline OLD_BUILD_DIR] [--rounds N]

Starts redis-server on a free loopback port, plain and TLS (a CA and a
server certificate made here with openssl), stopped by its pid at the end.
Runs build/bench/bg_bench_redis_durable (Google Benchmark) against it in
plain TCP and over TLS, the same benchmark of an older build when given
(--baseline: the figures before a change, measured in the same run, rounds
interleaved), then Celery 5 (Debian's python3-celery, with python3-redis)
against the same server, and prints the table with the targets. bgtasks
figures are the median of --rounds runs. Run it with /usr/bin/python3:
another python3 first on PATH may lack Celery.

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
import statistics
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


def make_certificates(workdir):
    """A CA and a server certificate for 127.0.0.1 and localhost, by openssl."""
    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=workdir, check=True, capture_output=True)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
            "-days", "2", "-subj", "/CN=bgtasks bench CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=localhost")
    with open(os.path.join(workdir, "san.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.crt", "-days", "2", "-extfile", "san.cnf")
    return os.path.join(workdir, "ca.crt")


def start_redis(workdir):
    port = free_port()
    tls_port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--tls-port", str(tls_port), "--tls-cert-file", os.path.join(workdir, "server.crt"),
         "--tls-key-file", os.path.join(workdir, "server.key"),
         "--tls-ca-cert-file", os.path.join(workdir, "ca.crt"), "--tls-auth-clients", "no",
         "--dir", workdir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(200):
        try:
            if client.ping():
                return proc, port, tls_port
        except redis.exceptions.ConnectionError:
            time.sleep(0.02)
    proc.kill()
    sys.exit("compare.py: redis-server did not answer PING")


def run_bgtasks(build, env):
    binary = os.path.join(build, "bench", "bg_bench_redis_durable")
    out = subprocess.run([binary, "--benchmark_format=json"], env=env, check=True, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
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


def median_of(runs):
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", help="the CMake build directory (configured with -DBG_BUILD_BENCH=ON)")
    parser.add_argument("--tasks", type=int, default=20000, help="Celery tasks to enqueue and drain")
    parser.add_argument("--baseline", help="an older build directory, measured in the same run")
    parser.add_argument("--rounds", type=int, default=3, help="bgtasks runs per build and transport (median)")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bg-bench-redis-")
    ca = make_certificates(workdir)
    proc, port, tls_port = start_redis(workdir)
    try:
        env = dict(os.environ, BG_BENCH_REDIS=f"redis://127.0.0.1:{port}")
        tls_env = dict(os.environ, BG_BENCH_REDIS=f"rediss://localhost:{tls_port}?ssl_ca_certs={ca}")
        runs = {"now": [], "tls": [], "before": []}
        for _ in range(args.rounds):  # interleaved, so that the machine's load falls on all alike
            runs["now"].append(run_bgtasks(args.build, env))
            if args.baseline:
                runs["before"].append(run_bgtasks(args.baseline, env))
            runs["tls"].append(run_bgtasks(args.build, tls_env))
        bg = median_of(runs["now"])
        tls = median_of(runs["tls"])
        before = median_of(runs["before"]) if args.baseline else None
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
    print()
    print(f"bgtasks, median of {args.rounds} runs each" + (", interleaved with the baseline build" if before else ""))
    print("| tasks/s | now | over TLS | TLS / plain |" + (" before | now / before | target | |" if before else ""))
    print("|---|---|---|---|" + ("---|---|---|---|" if before else ""))
    for key, name in (("enqueue_one", "enqueue, one at a time"), ("enqueue_pipelined", "enqueue, pipelined"),
                      ("drain", "no-op tasks end to end, one worker process")):
        line = f"| {name} | {bg[key]:,.0f} | {tls[key]:,.0f} | {tls[key] / bg[key]:.2f} |"
        if before:
            ok = bg[key] >= 0.9 * before[key]
            line += f" {before[key]:,.0f} | {bg[key] / before[key]:.2f} | >= 0.90 | {'met' if ok else 'MISSED'} |"
        print(line)


if __name__ == "__main__":
    main()
