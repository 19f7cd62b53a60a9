"""``python -m workshop migrate`` and ``backup-database``: the database as a whole."""

from __future__ import annotations

import sqlite3
import stat
import threading
from contextlib import closing

import pytest
from sqlalchemy import create_engine, inspect

from workshop.__main__ import main
from workshop.services.participants import join_workshop


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return monkeypatch


def test_migrate_creates_the_schema_once_and_again_changes_nothing(env, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    env.setenv("DATABASE_URL", url)
    assert main(["migrate"]) == 0
    assert "neuesten Stand" in capsys.readouterr().out
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"workshop", "participant", "dot_vote", "alembic_version"} <= tables
    assert main(["migrate"]) == 0


def test_a_running_sqlite_database_is_copied_whole(
    env, app, database_url, make_workshop, tmp_path, capsys
):
    if not database_url.startswith("sqlite"):
        pytest.skip("the SQLite copy; PostgreSQL is backed up with pg_dump")
    env.setenv("DATABASE_URL", database_url)
    workshop, _ = make_workshop(title="Klausur Übergang")
    # Phones keep joining while the copy is made, as during a retreat.
    stop = threading.Event()

    def keep_joining():
        with app.extensions["workshop_db"].sessionmaker() as db:
            while not stop.is_set():
                join_workshop(db, db.merge(workshop))
                db.commit()

    writer = threading.Thread(target=keep_joining)
    writer.start()
    target = tmp_path / "copy.sqlite3"
    try:
        assert main(["backup-database", str(target)]) == 0
    finally:
        stop.set()
        writer.join()
    assert "Geschrieben" in capsys.readouterr().out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with closing(sqlite3.connect(target)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT title FROM workshop").fetchall() == [("Klausur Übergang",)]


def test_an_existing_file_is_never_overwritten(env, app, database_url, tmp_path, capsys):
    if not database_url.startswith("sqlite"):
        pytest.skip("the SQLite copy")
    env.setenv("DATABASE_URL", database_url)
    target = tmp_path / "taken.sqlite3"
    target.write_text("keep me")
    assert main(["backup-database", str(target)]) == 2
    assert "kann nicht geschrieben werden" in capsys.readouterr().err
    assert target.read_text() == "keep me"


def test_postgresql_is_pointed_to_pg_dump(env, capsys):
    env.setenv("DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
    assert main(["backup-database", "/tmp/never-written.sqlite3"]) == 2
    assert "pg_dump" in capsys.readouterr().err
