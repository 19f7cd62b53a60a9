"""End-to-end fixtures: the real server (``python run.py``) and Debian's headless Chromium."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
PROJECTOR = {"viewport": {"width": 1280, "height": 720}}
LAPTOP = {"viewport": {"width": 1366, "height": 900}}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A server process started exactly as the README says, on a free port."""

    def __init__(
        self, database_url: str, instance: Path, async_mode: str, env: dict | None = None
    ) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "PUBLIC_URL": self.url,
            "INSTANCE_PATH": str(instance),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.log = instance / "server.log"
        instance.mkdir(parents=True, exist_ok=True)
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "run.py"),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--async-mode",
                async_mode,
            ],
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._log_file.close()
                raise RuntimeError(f"server exited: {self.log.read_text()[-3000:]}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("server did not start in 30 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self._log_file.close()

    def output(self) -> str:
        return self.log.read_text()


@pytest.fixture
def server(database_url, tmp_path):
    mode = os.environ.get("E2E_ASYNC_MODE", "eventlet")
    running = Server(database_url, tmp_path / "instance", mode)
    yield running
    running.stop()
    errors = [line for line in running.output().splitlines() if "Traceback" in line]
    assert not errors, running.output()[-4000:]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def contexts(browser):
    """Make browser contexts (separate cookie jars: one per device); all closed afterwards.

    Any uncaught script error on any page fails the test: a broken page must not pass
    just because the asserted element happened to be there.
    """
    made = []
    script_errors: list[str] = []

    def make(kind: dict, locale: str = "de-DE"):
        context = browser.new_context(locale=locale, **kind)
        context.on(
            "page", lambda page: page.on("pageerror", lambda e: script_errors.append(str(e)))
        )
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
    assert script_errors == [], f"script errors on a page: {script_errors}"


SCREENSHOTS = (
    Path(os.environ.get("SCREENSHOT_DIR", "")) if os.environ.get("SCREENSHOT_DIR") else None
)


def screenshot(page, name: str) -> None:
    """Keep a screenshot for people to look at, when SCREENSHOT_DIR is set."""
    if SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def field_value(page, selector: str) -> str:
    return page.locator(selector).input_value()


def code_from(link: str) -> str:
    return re.search(r"/j/([A-Z0-9]+)", link).group(1)
