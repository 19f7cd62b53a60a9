"""Browser-test support shared by the test modules: viewports, the real server, screenshots.

Test modules import from here, not from conftest.py: pytest loads several conftest modules
under the same name, so ``from conftest import`` depends on collection order.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import expect

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
        self._env = env
        self._async_mode = async_mode
        self._log_file = self.log.open("w")
        self._start()

    def _start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "run.py"),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--async-mode",
                self._async_mode,
            ],
            env=self._env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        self._wait()

    def crash_and_restart(self) -> None:
        """``kill -9`` the server, as a crash or a power cut would, and start it again."""
        self.process.kill()
        self.process.wait(10)
        self._start()

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


def open_dot_round(moderator, goals: list[str]) -> None:
    """The moderator writes ``goals`` and opens a dot round over all of them (5 dots, 3 per
    goal)."""
    moderator.get_by_role("button", name="Ziele").click()
    for title in goals:
        moderator.locator("#goal-title").fill(title)
        moderator.get_by_role("button", name="Ziel anlegen").click()
        expect(moderator.locator(".goal-item", has_text=title)).to_have_count(1)
    moderator.get_by_role("button", name="Abstimmung", exact=True).click()
    moderator.get_by_role("button", name="Runde über alle Ziele vorbereiten").click()
    moderator.locator(".round-item").get_by_role("button", name="Öffnen").click()
