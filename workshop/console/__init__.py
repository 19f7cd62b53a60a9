"""Command-line tools of ``python -m workshop``: export, import, retention and maintenance.

Each module registers its sub-commands; ``app_context`` gives them the configured app and its
database, exactly as the server would see them (same settings, same migrations).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask


@contextmanager
def app_context(overrides: dict[str, object] | None = None) -> Iterator[Flask]:
    """The app built from the environment's settings, inside its application context."""
    from .. import create_app

    app = create_app(overrides)
    with app.app_context():
        yield app
