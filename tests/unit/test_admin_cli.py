"""``python -m workshop list`` and ``purge``, and the RETENTION_DAYS setting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from workshop.__main__ import main
from workshop.config import ConfigError, load_config
from workshop.models import Workshop, utcnow
from workshop.services.workshops import set_phase


@pytest.fixture
def server_env(app, database_url, tmp_path, monkeypatch):
    """The environment a cron job on the server has: the app's database and instance."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.setenv("AUTO_MIGRATE", "false")
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    return monkeypatch


@pytest.fixture
def closed_workshops(db, make_workshop):
    """ "Alt" closed 40 days ago, "Neu" closed 5 days ago, "Offen" still running."""
    made = {}
    for title, days_ago in (("Alt", 40), ("Neu", 5), ("Offen", None)):
        workshop, _ = make_workshop(title=title)
        if days_ago is not None:
            set_phase(db, workshop, "closed")
            workshop.closed_at = utcnow() - timedelta(days=days_ago)
        made[title] = workshop.join_code
    db.commit()
    return made


def titles(db) -> set[str]:
    db.expire_all()
    return set(db.scalars(select(Workshop.title)))


def test_list_shows_code_phase_closing_date_and_title(server_env, closed_workshops, capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t") == ["code", "phase", "closed", "archived", "participants", "title"]
    rows = {line.split("\t")[-1]: line.split("\t") for line in lines[1:]}
    assert set(rows) == {"Alt", "Neu", "Offen"}
    old = rows["Alt"]
    assert old[0] == closed_workshops["Alt"] and old[1] == "closed"
    assert old[2] == (utcnow() - timedelta(days=40)).strftime("%Y-%m-%d")
    assert rows["Offen"][1:4] == ["lobby", "-", "-"]


def test_purge_without_a_period_refuses_and_deletes_nothing(
    server_env, closed_workshops, db, capsys
):
    assert main(["purge"]) == 2
    assert "RETENTION_DAYS" in capsys.readouterr().err
    assert titles(db) == {"Alt", "Neu", "Offen"}


def test_dry_run_lists_but_keeps(server_env, closed_workshops, db, capsys):
    assert main(["purge", "--days", "30", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert closed_workshops["Alt"] in out and closed_workshops["Neu"] not in out
    assert titles(db) == {"Alt", "Neu", "Offen"}


def test_purge_uses_retention_days_and_days_overrides_it(server_env, closed_workshops, db, capsys):
    server_env.setenv("RETENTION_DAYS", "30")
    assert main(["purge"]) == 0
    assert f"deleted {closed_workshops['Alt']}" in capsys.readouterr().out
    assert titles(db) == {"Neu", "Offen"}
    assert main(["purge", "--days", "3"]) == 0
    assert titles(db) == {"Offen"}


@pytest.mark.parametrize("raw", ["abc", "-1", "1.5"])
def test_a_bad_retention_setting_stops_the_start(raw, monkeypatch, tmp_path):
    monkeypatch.setenv("RETENTION_DAYS", raw)
    with pytest.raises(ConfigError, match="RETENTION_DAYS"):
        load_config(str(tmp_path))


def test_retention_is_off_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    assert load_config(str(tmp_path))["RETENTION_DAYS"] == 0
