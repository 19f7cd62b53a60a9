"""Helpers shared by HTTP, socket and browser tests (importable as ``helpers``)."""

from __future__ import annotations

import itertools
import re
import time

from sqlalchemy import select

from workshop.extensions import socketio
from workshop.models import Base
from workshop.realtime import coalesce

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(client, path: str = "/") -> str:
    """The CSRF token the session has, read from a page's form."""
    page = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def join_as_participant(app, workshop, name: str = "", organisation: str = ""):
    """A fresh browser that joined ``workshop``; returns its HTTP client."""
    browser = app.test_client()
    token = csrf_of(browser, f"/j/{workshop.join_code}")
    response = browser.post(
        f"/j/{workshop.join_code}",
        data={"csrf_token": token, "display_name": name, "organisation": organisation},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


def socket_for(app, http_client, workshop, role: str):
    """A Socket.IO test client for ``role``, sharing the HTTP client's cookies.

    Returns once the coalesced pushes its arrival caused (the head count) have gone out, so a
    test never receives them later, in the middle of what it looks at.
    """
    client = socketio.test_client(
        app, flask_test_client=http_client, auth={"workshop": workshop.id, "role": role}
    )
    settle()
    return client


def settle(timeout: float = 5.0) -> None:
    """Wait until the coalesced pushes (head count, round progress and tallies) have gone out."""
    deadline = time.monotonic() + timeout
    while coalesce.busy():
        assert time.monotonic() < deadline, "coalesced pushes still pending"
        time.sleep(0.01)


def dispose(app) -> None:
    """Tear a test's app down: first its coalesced pushes, then its database connections.

    A push still on its way after the dispose would open a connection on the engine's new
    pool, which nothing closes: PostgreSQL ran out of connections that way.
    """
    settle()
    app.extensions["workshop_db"].engine.dispose()


_command_ids = itertools.count(1)


def cmd(workshop, **fields) -> dict:
    """A command payload with a fresh client command id, as the browser sends it."""
    return {"id": f"test-cmd-{next(_command_ids):06d}", "workshop": workshop.id, **fields}


#: Changes nobody sees as workshop data: bookkeeping of commands and connections.
BOOKKEEPING = {"processed_command", "connection", "server_process"}


def fingerprint(app, workshop_id: int) -> dict[str, list]:
    """Every row that belongs to the workshop, table by table (bookkeeping left out)."""
    tables = {t.name: t for t in Base.metadata.sorted_tables if t.name not in BOOKKEEPING}
    with app.extensions["workshop_db"].engine.connect() as connection:
        owned: dict[str, set] = {}
        rows: dict[str, list] = {}

        def take(name, condition):
            table = tables[name]
            found = list(connection.execute(select(table).where(condition).order_by(*table.c)))
            rows[name] = [tuple(row) for row in found]
            if "id" in table.c:
                owned[name] = {row.id for row in found}

        take("workshop", tables["workshop"].c.id == workshop_id)
        for name, table in tables.items():
            if name != "workshop" and "workshop_id" in table.c:
                take(name, table.c.workshop_id == workshop_id)
        parents = {"round_id": "vote_round", "goal_id": "goal", "card_id": "card"}
        for name, table in tables.items():
            if name in rows:
                continue
            for column, parent in parents.items():
                if column in table.c:
                    take(name, table.c[column].in_(owned.get(parent, set())))
                    break
    return rows
