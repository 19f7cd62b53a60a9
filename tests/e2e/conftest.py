"""End-to-end fixtures: the real server (``python run.py``) and Debian's headless Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from e2e_support import CHROMIUM, Server


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
    just because the asserted element happened to be there. So does anything the page's
    Content-Security-Policy blocked: the pages run under the app's strict policy.
    """
    made = []
    script_errors: list[str] = []
    blocked: list[str] = []

    def watch(page) -> None:
        page.on("pageerror", lambda e: script_errors.append(str(e)))
        page.on(
            "console",
            lambda message: (
                blocked.append(message.text)
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )

    def make(kind: dict, locale: str = "de-DE"):
        context = browser.new_context(locale=locale, **kind)
        context.on("page", watch)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
    assert script_errors == [], f"script errors on a page: {script_errors}"
    assert blocked == [], f"the Content-Security-Policy blocked: {blocked}"
