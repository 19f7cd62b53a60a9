"""Clients of a running server (``run.py`` or gunicorn) as phones and browsers talk to it:
HTTP through ``requests``, Socket.IO through python-socketio, cookies shared between them."""

from __future__ import annotations

import itertools
import re
import threading
import time

import pytest
import requests
import socketio

_ids = itertools.count(1)


def csrf(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', session.get(url).text).group(1)


def browser_session(verify: bool | str = True) -> requests.Session:
    """A browser's cookies and connections; ``verify``: a CA file for a test certificate."""
    session = requests.Session()
    if verify is not True:
        session.verify = verify
        # Otherwise REQUESTS_CA_BUNDLE from the environment wins over session.verify.
        session.trust_env = False
    return session


def create_workshop(base: str, verify: bool | str = True) -> tuple[requests.Session, int, str]:
    """The moderator's browser (signed in), the workshop id and its join code."""
    browser = browser_session(verify)
    page = browser.post(
        f"{base}/new",
        data={"csrf_token": csrf(browser, f"{base}/new"), "title": "Klausur", "language": "de"},
    )
    assert page.status_code == 200, page.text[-500:]
    link = re.search(r'id="moderator-link"[^>]*value="([^"]+)"', page.text).group(1)
    token = link.rsplit("/m/", 1)[1]
    control = browser.get(f"{base}/m/{token}")
    code = control.url.rstrip("/").split("/w/")[1].split("/")[0]
    workshop_id = int(re.search(r'"workshop":\s*(\d+)', control.text).group(1))
    return browser, workshop_id, code


def join(base: str, code: str, verify: bool | str = True) -> requests.Session:
    phone = browser_session(verify)
    answer = phone.post(f"{base}/j/{code}", data={"csrf_token": csrf(phone, f"{base}/j/{code}")})
    assert answer.status_code == 200 and "/w/" in answer.url
    return phone


class Client:
    """A Socket.IO client of one role that records what it receives."""

    def __init__(self, base: str, browser: requests.Session, workshop_id: int, role: str):
        self.received: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        self.base, self.browser, self.workshop_id, self.role = base, browser, workshop_id, role
        self.connect()

    def connect(self) -> None:
        """Connect (again: after the server restarted) with the browser's cookies."""
        if getattr(self, "sio", None) is not None:
            self._drop()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", self._record)
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.browser.cookies)
        self.sio.connect(
            self.base,
            headers={"Cookie": cookie},
            auth={"workshop": self.workshop_id, "role": self.role},
            transports=["websocket"],
            wait_timeout=10,
        )

    def close(self) -> None:
        """Disconnect and close the browser's HTTP connections too."""
        self._drop()
        self.browser.close()

    def _drop(self) -> None:
        """Disconnect, and close the socket of a connection the server dropped (a killed
        server leaves the client's websocket open otherwise)."""
        websocket = getattr(self.sio.eio, "ws", None)
        self.sio.disconnect()
        if websocket is not None:
            websocket.shutdown()

    def _record(self, event: str, data=None) -> None:
        with self.lock:
            self.received.append((event, data))

    def command(self, **fields) -> dict:
        """A command payload with a fresh id, as a phone makes it before sending."""
        return {"id": f"live-{next(_ids):06d}", "workshop": self.workshop_id, **fields}

    def send(self, event: str, **fields) -> dict:
        answer = self.sio.call(event, self.command(**fields), timeout=15)
        assert answer["ok"], (event, answer)
        return answer["data"]

    def wait_for(self, event: str, check, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for name, data in self.received:
                    if name == event and check(data):
                        return data
            time.sleep(0.05)
        with self.lock:
            seen = [name for name, _ in self.received]
        pytest.fail(f"no matching {event} within {timeout} s; received {seen}")
