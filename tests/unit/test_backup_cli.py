"""``python -m workshop backup`` and ``import``: a backup file out, a new workshop in, exit 2 on
an unknown code or a missing or bad file."""

from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import func, select

from workshop.__main__ import main
from workshop.models import Workshop
from workshop.services.tokens import hash_token


@pytest.fixture
def settings(monkeypatch, database_url, tmp_path):
    """The CLI reads its settings from the environment, as on the server."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    # The unit session made the tables already (or the PostgreSQL fixture migrated them).
    monkeypatch.setenv("AUTO_MIGRATE", "false")
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.chdir(tmp_path)


def workshops(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Workshop))


def test_backup_to_standard_output(session, workshop, settings, capsys):
    assert main(["backup", workshop.join_code.lower()]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["format"], data["version"]) == ("workshop-backup", 1)
    assert data["workshop"]["title"] == "Klausur"
    assert workshop.join_code not in json.dumps(data)


def test_backup_to_a_file_only_its_owner_reads(session, workshop, settings, tmp_path, capsys):
    target = tmp_path / "klausur.json"
    assert main(["backup", workshop.join_code, "--output", str(target), "--language", "en"]) == 0
    assert f"Written: {target}" in capsys.readouterr().out
    assert json.loads(target.read_text("utf-8"))["workshop"]["fields"][0]["name"] == (
        "Studien- und Berufsorientierung"
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_import_creates_a_new_workshop_and_prints_its_moderator_link_once(
    session, workshop, settings, tmp_path, capsys
):
    target = tmp_path / "klausur.json"
    main(["backup", workshop.join_code, "--output", str(target)])
    capsys.readouterr()
    assert main(["import", str(target), "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "Workshop restored: Klausur" in out
    assert workshops(session) == 2
    restored = session.scalar(select(Workshop).where(Workshop.id != workshop.id))
    assert f"Join code: {restored.join_code}" in out
    token = out.split("/m/", 1)[1].split()[0]
    assert restored.moderator_token_hash == hash_token(token)
    assert out.count(token) == 1


def test_import_prints_the_full_link_with_a_public_url(
    session, workshop, settings, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("PUBLIC_URL", "https://klausur.example.org")
    target = tmp_path / "klausur.json"
    main(["backup", workshop.join_code, "--output", str(target)])
    assert main(["import", str(target)]) == 0
    assert "https://klausur.example.org/m/" in capsys.readouterr().out


def test_unknown_code_exits_with_2(session, workshop, settings, capsys):
    assert main(["backup", "ZZZZZZ", "--language", "en"]) == 2
    assert "No workshop has the code ZZZZZZ." in capsys.readouterr().err


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "backup.json cannot be read."),
        (b"{not json", "cannot be read as JSON"),
        (b'{"format": "workshop-backup", "version": 7}', "format version 7"),
        (b'{"format": "workshop-backup", "version": 1}', "incomplete: exported_at is missing"),
    ],
    ids=["missing", "not JSON", "newer version", "incomplete"],
)
def test_missing_or_bad_file_exits_with_2_and_writes_nothing(
    session, workshop, settings, tmp_path, capsys, content, message
):
    target = tmp_path / "backup.json"
    if content is not None:
        target.write_bytes(content)
    assert main(["import", str(target), "--language", "en"]) == 2
    assert message in capsys.readouterr().err
    assert workshops(session) == 1


def test_a_bad_value_is_named_by_its_place_in_the_file(
    session, workshop, settings, tmp_path, capsys
):
    target = tmp_path / "backup.json"
    main(["backup", workshop.join_code, "--output", str(target)])
    data = json.loads(target.read_text("utf-8"))
    data["workshop"]["kinds"][1]["name"] = "x" * 61
    target.write_text(json.dumps(data), "utf-8")
    assert main(["import", str(target), "--language", "en"]) == 2
    assert "workshop.kinds[1].name is too long (at most 60" in capsys.readouterr().err
    assert workshops(session) == 1
