"""Proves the PostgreSQL driver cooperates with eventlet and with gevent.

Each case runs in its own Python process, because monkey-patching cannot be undone: the
process calls ``run.patch_for(mode)`` first, then lets green threads run ``SELECT
pg_sleep(…)`` at the same time through ``workshop.db.make_engine``. Cooperative queries
overlap, so the wall time stays near one sleep instead of the sum of all sleeps. The
contrast case removes psycopg2's wait callback after patching: the driver then blocks the
whole process and the same queries run one after another.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

pytestmark = pytest.mark.postgres

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or DEFAULT_URL

SLEEP_SECONDS = 0.5
#: Below the default pool (5 connections + 10 overflow) of ``make_engine``.
COOPERATIVE_THREADS = 10
#: Fewer threads for the serialised contrast, to keep the test fast.
BLOCKING_THREADS = 4
SUBPROCESS_TIMEOUT = 30

#: Runs in a fresh interpreter: argv = repo root, mode, url, threads, seconds, keep-callback.
PROBE = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import run
mode, url = sys.argv[2], sys.argv[3]
threads, seconds, cooperative = int(sys.argv[4]), float(sys.argv[5]), sys.argv[6] == "1"
run.patch_for(mode)
import threading
import psycopg2.extensions
from sqlalchemy import text
from workshop.db import make_engine
if not cooperative:
    psycopg2.extensions.set_wait_callback(None)
engine = make_engine(url)
errors = []
def query():
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_sleep(:s)"), {"s": seconds})
    except Exception as error:
        errors.append(repr(error))
workers = [threading.Thread(target=query) for _ in range(threads)]
started = time.perf_counter()
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
elapsed = time.perf_counter() - started
engine.dispose()
callback = psycopg2.extensions.get_wait_callback()
print(json.dumps({"elapsed": elapsed, "errors": errors, "callback": repr(callback)}))
"""


def _postgres_answers(url: str) -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        return str(error.orig).strip().splitlines()[0]
    finally:
        engine.dispose()
    return None


@pytest.fixture(scope="module")
def postgres_url() -> str:
    reason = _postgres_answers(DATABASE_URL)
    if reason is not None:
        pytest.skip(f"PostgreSQL at {DATABASE_URL} does not answer: {reason}")
    return DATABASE_URL


def _probe(mode: str, url: str, threads: int, cooperative: bool) -> dict:
    """Run the probe in a new interpreter and return its measurement."""
    argv = [str(REPO_ROOT), mode, url, str(threads), str(SLEEP_SECONDS), str(int(cooperative))]
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        cwd=REPO_ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["errors"] == [], measured["errors"]
    return measured


@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_queries_overlap_under_monkey_patching(mode: str, postgres_url: str) -> None:
    measured = _probe(mode, postgres_url, COOPERATIVE_THREADS, cooperative=True)
    serial = COOPERATIVE_THREADS * SLEEP_SECONDS
    print(
        f"{mode}: {COOPERATIVE_THREADS} x pg_sleep({SLEEP_SECONDS}) took "
        f"{measured['elapsed']:.2f} s (serial would be {serial:.1f} s); "
        f"wait callback {measured['callback']}"
    )
    assert measured["callback"] != "None"
    assert measured["elapsed"] < serial / 2


@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_queries_serialise_without_the_wait_callback(mode: str, postgres_url: str) -> None:
    measured = _probe(mode, postgres_url, BLOCKING_THREADS, cooperative=False)
    serial = BLOCKING_THREADS * SLEEP_SECONDS
    print(
        f"{mode} without wait callback: {BLOCKING_THREADS} x pg_sleep({SLEEP_SECONDS}) took "
        f"{measured['elapsed']:.2f} s (serial {serial:.1f} s)"
    )
    assert measured["callback"] == "None"
    assert measured["elapsed"] > serial * 0.9
