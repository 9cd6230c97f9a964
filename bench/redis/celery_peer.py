"""The Celery peer of the durable-task benchmark: the same no-op task, on the
same redis-server, with the settings the issue compares against: one worker
process, solo pool, prefetch 64, late acknowledgement.

The broker comes from $BG_BENCH_REDIS. compare.py imports this module to
enqueue, and starts `python3 -m celery -A celery_peer worker` to drain.
"""
import os
import time

import redis
from celery import Celery

URL = os.environ["BG_BENCH_REDIS"]
QUEUE = "bench-celery"

app = Celery("celery_peer", broker=URL + "/0")
app.conf.update(
    task_acks_late=True,
    worker_prefetch_multiplier=64,
    task_default_queue=QUEUE,
    task_ignore_result=True,
    worker_hijack_root_logger=False,
)

_marks = None


@app.task(name="noop")
def noop():
    pass


@app.task(name="mark")
def mark(key):
    """Records when it ran: the drain is timed from the first mark to the last."""
    global _marks
    if _marks is None:
        _marks = redis.Redis.from_url(URL)
    _marks.set(key, repr(time.time()))
