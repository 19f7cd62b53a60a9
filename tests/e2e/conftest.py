"""End-to-end fixtures: the real server (``python run.py``). Chromium and its contexts are
shared with the other browser tests (tests/conftest.py)."""

from __future__ import annotations

import os

import pytest
from e2e_support import Server


@pytest.fixture
def server(database_url, tmp_path):
    mode = os.environ.get("E2E_ASYNC_MODE", "eventlet")
    running = Server(database_url, tmp_path / "instance", mode)
    yield running
    running.stop()
    errors = [line for line in running.output().splitlines() if "Traceback" in line]
    assert not errors, running.output()[-4000:]
