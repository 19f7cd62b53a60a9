"""What tests of deployed processes share (gunicorn instances, nginx): where the checkout
is, which PostgreSQL and Redis they use, free ports, waiting for a server, and skipping – or
failing on CI – when a service is missing."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
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
