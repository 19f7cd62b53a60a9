"""The Alembic migrations create exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from workshop.db import make_engine, upgrade_database
from workshop.models import Base


def test_migrations_match_the_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade_database(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    # Running the upgrade again is harmless (every start does it).
    upgrade_database(engine)
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    from sqlalchemy import text

    engine = make_engine(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 15000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_database_urls_with_percent_encoded_passwords_are_accepted():
    from workshop.db import alembic_config, make_engine

    engine = make_engine("postgresql+psycopg2://user:p%40ss@127.0.0.1:1/db?application_name=a%20b")
    config = alembic_config(engine)
    # Read back unchanged (an unescaped "%" raised "invalid interpolation syntax").
    expected = engine.url.render_as_string(hide_password=False)
    assert "p%40ss" in expected
    assert config.get_main_option("sqlalchemy.url") == expected
    engine.dispose()


def test_upgrading_a_database_with_workshops_keeps_them(tmp_path):
    from alembic import command
    from sqlalchemy import text

    from workshop.db import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workshop (join_code, title, place, description, language, template,"
                " phase, version, moderator_token_hash, projector_key, created_at)"
                " VALUES ('ACDEFG', 'Alt', '', '', 'de', 'kaoa', 'lobby', 1, 'h', 'k',"
                " '2026-01-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO participant (workshop_id, display_name, organisation, joined_at)"
                " VALUES (1, '', '', '2026-01-01 00:00:00')"
            )
        )
    upgrade_database(engine)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT card_names, collect_locked, show_authors FROM workshop")
        ).one()
        assert tuple(row) == ("anonymous", 0, 0)
        assert connection.execute(text("SELECT done FROM participant")).scalar() == 0
    engine.dispose()
