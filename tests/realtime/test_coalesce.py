"""Coalesced pushes: one per interval, and over processes sharing Redis one for all of them.

Two Flask apps with the same database and message queue stand for two server processes; the
turn is taken in the real Redis (TEST_REDIS_PROCESSES_URL, CI).
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid

import pytest
import redis
from deployed import REDIS_URL, needs
from flask import Flask
from helpers import settle

from workshop.realtime.coalesce import Coalescer, _turn_taken


@pytest.fixture
def processes(app):
    """Two stand-ins for server processes sharing the app's database and a Redis queue."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        needs(False, f"Redis at {REDIS_URL} does not answer")

    def process(database_url: str = app.config["DATABASE_URL"], queue: str = REDIS_URL) -> Flask:
        stand_in = Flask(f"process-{uuid.uuid4().hex[:6]}")
        stand_in.config.update(DATABASE_URL=database_url, SOCKETIO_MESSAGE_QUEUE=queue)
        stand_in.extensions["workshop_db"] = app.extensions["workshop_db"]
        return stand_in

    return process


def test_one_process_at_a_time_has_the_turn(processes):
    first, second = processes(), processes()
    name = f"test-{uuid.uuid4().hex}"
    assert _turn_taken(first, name, 7, 0.5) == 0
    wait = _turn_taken(second, name, 7, 0.5)
    assert 0 < wait <= 0.5
    assert _turn_taken(first, name, 7, 0.5) > 0  # the holder too waits for the next interval
    assert _turn_taken(second, name, 8, 0.5) == 0  # another round has its own turn
    # Round ids of another database are other rounds.
    assert _turn_taken(processes(database_url="sqlite:///elsewhere.db"), name, 7, 0.5) == 0
    time.sleep(wait + 0.05)
    assert _turn_taken(second, name, 7, 0.5) == 0


def test_without_redis_the_push_goes_out_anyway(processes):
    unreachable = processes(queue="redis://127.0.0.1:1/0")
    name = f"test-{uuid.uuid4().hex}"
    assert _turn_taken(unreachable, name, 7, 0.5) == 0
    assert _turn_taken(unreachable, name, 7, 0.5) == 0


def test_processes_together_push_once_per_interval_and_the_last_change(processes):
    """Both processes see changes for a second; together they push about once per interval,
    not once each, and a push follows the last change."""
    delay = 0.3
    pushes: list[tuple[float, str]] = []
    name = f"test-{uuid.uuid4().hex}"

    def recorder(label: str):
        return lambda _db, _key: pushes.append((time.monotonic(), label))

    apps = {"first": processes(), "second": processes()}
    coalescers = {label: Coalescer(delay, recorder(label), shared=name) for label in apps}
    end = time.monotonic() + 1.0
    last_change = 0.0
    while time.monotonic() < end:
        for label, coalescer in coalescers.items():
            coalescer.schedule(apps[label], 42)
        last_change = time.monotonic()
        time.sleep(0.02)
    settle()
    assert pushes, "nothing was pushed"
    times = sorted(at for at, _ in pushes)
    # Alone, each would push at once and then every 0.3 s: 8 or more together. Shared: one
    # push per interval over both, through the changes' second and a trailing push of each.
    assert len(times) <= (1.0 + 2 * delay) / delay + 1, pushes
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps, default=delay) >= delay * 0.9, gaps
    assert times[-1] >= last_change


def test_a_process_alone_pushes_at_once_then_once_per_interval(app):
    pushes: list[float] = []
    coalescer = Coalescer(0.2, lambda _db, _key: pushes.append(time.monotonic()))
    started = time.monotonic()
    coalescer.schedule(app, 1)
    threading.Event().wait(0.05)
    assert len(pushes) == 1 and pushes[0] - started < 0.1
    for _ in range(10):
        coalescer.schedule(app, 1)
    settle()
    assert len(pushes) == 2 and pushes[1] - pushes[0] >= 0.19
