"""Fixtures: an app per test on a temporary SQLite file, or on PostgreSQL with TEST_DATABASE_URL;
Debian's headless Chromium, one for the whole run (browser tests here and in integration/)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e.e2e_support import CHROMIUM
from helpers import dispose
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from workshop import create_app
from workshop.db import make_engine, upgrade_database
from workshop.models import Base
from workshop.realtime import tallies
from workshop.services.workshops import WorkshopDetails, create_workshop

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def postgres_engine():
    """One migrated PostgreSQL schema for the whole run; tables are emptied after each test."""
    if not POSTGRES_URL:
        yield None
        return
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade_database(engine)
    yield engine
    engine.dispose()


def _empty_tables(engine) -> None:
    names = ", ".join(table.name for table in Base.metadata.sorted_tables)
    for attempt in range(5):
        try:
            with engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        except OperationalError:
            # Another client of the shared test database (a server still closing its last
            # transaction) can deadlock with TRUNCATE; PostgreSQL aborts one side: retry.
            if attempt == 4:
                raise
            time.sleep(0.5)


@pytest.fixture
def database_url(tmp_path, postgres_engine) -> Iterator[str]:
    """The URL a test's app uses; PostgreSQL is emptied again afterwards."""
    if postgres_engine is None:
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    yield POSTGRES_URL  # type: ignore[misc]
    _empty_tables(postgres_engine)


@pytest.fixture
def app_config(database_url) -> dict[str, Any]:
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "ASYNC_MODE": "threading",
        "HEARTBEAT": False,
        "AUTO_MIGRATE": POSTGRES_URL is None,
        "TESTING": True,
        # One test client is one address: tests that probe many forbidden pages would trip the
        # guessing limit. tests/web/test_rate_limits.py switches the limits on.
        "RATE_LIMITS": False,
    }


@pytest.fixture(autouse=True)
def _quick_phone_progress(monkeypatch):
    """Phones get the progress as often as the screens, so no test waits two seconds for the
    trailing push of the test before it; test_vote_events.py checks the real interval."""
    monkeypatch.setattr(tallies.phones, "delay", tallies.DELAY)


@pytest.fixture
def app(app_config, tmp_path):
    app = create_app(app_config, instance_path=str(tmp_path / "instance"))
    yield app
    dispose(app)


@pytest.fixture
def db(app) -> Iterator[Session]:
    """A session outside any request, for arranging and checking data."""
    with app.extensions["workshop_db"].sessionmaker() as session:
        yield session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_workshop(db):
    """Create a workshop directly through the service; returns (workshop, moderator token)."""

    def make(title: str = "Strategieklausur KAoA", template: str = "kaoa", **details):
        workshop, token = create_workshop(
            db, WorkshopDetails(title=title, **details), template=template
        )
        db.commit()
        return workshop, token

    return make


@pytest.fixture
def moderator_client(app, make_workshop):
    """An HTTP client that opened the moderator link of a new workshop."""

    def make(workshop_and_token=None):
        workshop, token = workshop_and_token or make_workshop()
        browser = app.test_client()
        response = browser.get(f"/m/{token}")
        assert response.status_code == 302
        return browser, workshop

    return make


@pytest.fixture(scope="session")
def browser():
    """Playwright allows one browser driver per process: every browser test shares this one."""
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
