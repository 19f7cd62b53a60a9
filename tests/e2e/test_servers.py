"""The same room served by other async modes, and by two processes sharing rooms through Redis."""

from __future__ import annotations

import os
import secrets

import pytest
from e2e_support import LAPTOP, Server
from playwright.sync_api import expect
from test_live_workshop import create_workshop, join_by_phone

pytestmark = pytest.mark.e2e

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def start_server(database_url, tmp_path):
    started = []

    def start(mode: str = "eventlet", **env: str) -> Server:
        server = Server(database_url, tmp_path / f"instance-{len(started)}", mode, env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.mark.parametrize("mode", ["gevent", "threading"])
def test_other_async_modes_serve_a_live_room(start_server, contexts, mode):
    server = start_server(mode)
    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, server.url)
    phone = join_by_phone(contexts, links["join"])
    moderator.get_by_role("button", name="Nächste Phase").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Zwischenbilanz")
    assert "Traceback" not in server.output()


def test_two_processes_share_rooms_through_the_redis_queue(start_server, contexts):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("Redis does not answer")
    shared = {"SOCKETIO_MESSAGE_QUEUE": REDIS_URL, "SECRET_KEY": secrets.token_hex(16)}
    first = start_server("eventlet", **shared)
    second = start_server("eventlet", **shared)

    moderator = contexts(LAPTOP).new_page()
    links = create_workshop(moderator, first.url)
    # The phone talks to the other process only.
    join_on_second = links["join"].replace(first.url, second.url)
    phone = join_by_phone(contexts, join_on_second)
    expect(moderator.locator("[data-joined]").first).to_have_text("1")
    moderator.get_by_role("button", name="Nächste Phase").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Zwischenbilanz")
    expect(moderator.locator("[data-connected]").first).to_have_text("1")
