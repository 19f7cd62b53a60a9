"""Two gunicorn processes as deployed (deploy/), sharing PostgreSQL and the Redis queue.

A phone on one process votes and the projector on the other sees it; the moderator on one
changes the phase and the phones on both follow; the coalesced tallies each process pushes add
up to every vote of both. Real servers, real PostgreSQL and Redis (TEST_DATABASE_URL, CI).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from live_clients import Client, create_workshop, join
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from workshop.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_PROCESSES_URL", "redis://127.0.0.1:6379/12")
#: The server to make a throw-away database on (also in the SQLite run of the suite).
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL") or os.environ.get(
    "TEST_POSTGRES_SERVER", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)


def needs(condition: bool, reason: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def database_url():
    """A throw-away PostgreSQL database next to the test database."""
    name = f"workshop_processes_{secrets.token_hex(4)}"
    admin = make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError:
        needs(False, f"needs PostgreSQL at {POSTGRES_URL}")
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def servers(database_url, tmp_path):
    """Migrate once, then start two instances as the systemd unit does; their base URLs."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.ConnectionError:
        needs(False, "needs Redis")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SOCKETIO_MESSAGE_QUEUE": REDIS_URL,
        "SECRET_KEY": secrets.token_hex(32),
        "INSTANCE_PATH": str(tmp_path),
        "ASYNC_MODE": "eventlet",
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run([sys.executable, "-m", "workshop", "migrate"], env=env, cwd=ROOT, check=True)
    started = []
    for index in range(2):
        port = free_port()
        with (tmp_path / f"server-{index}.log").open("wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    str(ROOT / "deploy" / "gunicorn.conf.py"),
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                env={**env, "AUTO_MIGRATE": "false"},
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        started.append((process, f"http://127.0.0.1:{port}", tmp_path / f"server-{index}.log"))
    try:
        for process, base, log_path in started:
            wait_until_healthy(process, base, log_path)
        yield [base for _, base, _ in started]
        for _, _, log_path in started:
            assert "Traceback" not in log_path.read_text(errors="replace")
    finally:
        for process, _, _ in started:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def free_port() -> int:
    import socket as sockets

    with sockets.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(process, base: str, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server stopped: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still loading the app
            pass
        time.sleep(0.2)
    pytest.fail(f"server did not start: {log_path.read_text(errors='replace')[-2000:]}")


def dots_of(tally: dict) -> dict[int, int]:
    return {r["goal_id"]: r["dots"] for r in tally["results"]}


def test_two_processes_serve_one_room(servers):
    first, second = servers
    browser, workshop_id, code = create_workshop(first)
    moderator = Client(first, browser, workshop_id, "moderator")
    projector = Client(second, browser, workshop_id, "projector")
    phones = [
        Client(base, join(base, code), workshop_id, "participant")
        for base in (first, first, second, second)
    ]
    try:
        moderator.send("phase.set", phase="goals")
        goals = [moderator.send("goal.create", title=f"Ziel {n}")["goal"]["id"] for n in range(2)]
        moderator.send("phase.set", phase="vote")
        for phone in phones:  # on both processes
            phone.wait_for("phase.changed", lambda data: data["phase"] == "vote")
        round_id = moderator.send("round.create", budget=5, max_per_goal=5, live_results=True)[
            "round"
        ]["id"]
        moderator.send("round.status", round_id=round_id, status="open")

        # A phone on the first process votes; the projector on the second sees it.
        phones[0].send("vote.dots", round_id=round_id, goal_id=goals[0], dots=2)
        projector.wait_for(
            "round.tally", lambda t: t["round_id"] == round_id and dots_of(t)[goals[0]] == 2
        )
        # Everybody votes at once on both processes: the tallies that each process pushes
        # after its own votes end with the sum of all of them, on both screens.
        votes = [(0, 3), (1, 1), (2, 4), (3, 5)]
        threads = [
            threading.Thread(
                target=phones[n].send,
                args=("vote.dots",),
                kwargs={"round_id": round_id, "goal_id": goals[1], "dots": dots},
            )
            for n, dots in votes
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        expected = {goals[0]: 2, goals[1]: 13}
        for screen in (projector, moderator):
            screen.wait_for("round.tally", lambda t: dots_of(t) == expected)
        progress = projector.wait_for("round.progress", lambda p: p["voted"] == 4)
        assert progress["eligible"] == 4
        # Nobody's ballot reached another phone.
        assert not any(name == "round.tally" for phone in phones for name, _ in phone.received)
    finally:
        for client in (moderator, projector, *phones):
            client.close()
