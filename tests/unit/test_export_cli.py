"""``python -m workshop export``: every format written to a file, usage errors exit with 2."""

from __future__ import annotations

import csv
import io
import json

import pytest
from docx import Document
from openpyxl import load_workbook

from workshop.__main__ import main
from workshop.services import ballots, cards, goals, plans, priorities, votes
from workshop.services.participants import join_workshop
from workshop.services.workshops import set_phase


@pytest.fixture
def settings(monkeypatch, database_url, tmp_path):
    """The CLI reads its settings from the environment, as on the server."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    # The unit session made the tables already (or the PostgreSQL fixture migrated them).
    monkeypatch.setenv("AUTO_MIGRATE", "false")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def decided(session, workshop, settings):
    """A German workshop with a revealed dot round, a confirmed goal and its plan."""
    field, kind = workshop.fields[0], workshop.kinds[0]
    set_phase(session, workshop, "collect")
    voter, _ = join_workshop(session, workshop)
    cards.post_card(session, workshop, voter, field.id, kind.id, "-2 Plätze für Übergänge 🎉")
    set_phase(session, workshop, "goals")
    goal, _ = goals.create_goal(session, workshop, "Übergang sichern", field_id=field.id)
    set_phase(session, workshop, "vote")
    dots, _ = votes.create_round(session, workshop, votes.RoundSettings(title="Punkte"))
    votes.set_status(session, workshop, dots.id, "open")
    ballots.set_dots(session, workshop, voter, dots.id, goal.id, 2)
    votes.set_status(session, workshop, dots.id, "closed")
    votes.set_status(session, workshop, dots.id, "revealed")
    votes.create_round(session, workshop, votes.RoundSettings(title="Entwurf"))
    priorities.set_priorities(session, workshop, [goal.id])
    plans.set_goal_plan(session, workshop, goal.id, {"working_group": "AG Übergang"})
    plans.add_measure(session, workshop, goal.id, {"text": "Elternabende", "owner": "KoKo"})
    session.commit()
    return workshop


def export(*arguments: str) -> int:
    return main(["export", *arguments])


def test_xlsx_in_the_workshops_language_or_the_chosen_one(decided, tmp_path):
    code = decided.join_code
    assert export(code, "--format", "xlsx", "--output", str(tmp_path / "de.xlsx")) == 0
    assert load_workbook(tmp_path / "de.xlsx").sheetnames[0] == "Karten"
    assert export(code.lower(), "--format", "xlsx", "--language", "en", "--output", "en.xlsx") == 0
    book = load_workbook(tmp_path / "en.xlsx")
    assert book.sheetnames[0] == "Cards"
    assert book["Cards"]["D2"].value == "-2 Plätze für Übergänge 🎉"


def test_csv_and_plans_go_into_a_directory(decided, tmp_path, capsys):
    code = decided.join_code
    assert export(code, "--format", "csv", "--output", str(tmp_path / "tabellen")) == 0
    written = sorted(path.name for path in (tmp_path / "tabellen").iterdir())
    assert written == [
        "cards.csv",
        "clusters.csv",
        "goals.csv",
        "measures.csv",
        "results.csv",
        "rounds.csv",
    ]
    text = (tmp_path / "tabellen" / "cards.csv").read_text("utf-8-sig")
    cells = next(row for row in csv.reader(io.StringIO(text), delimiter=";") if row[0] == "1")
    assert "'-2 Plätze für Übergänge 🎉" in cells  # neutralised, umlauts and emoji intact
    assert str(tmp_path / "tabellen" / "cards.csv") in capsys.readouterr().out

    assert export(code, "--format", "plans-docx") == 0  # default: <CODE>-plans here
    folder = tmp_path / f"{code}-plans"
    assert [path.name for path in folder.iterdir()] == ["plan-ag-uebergang.docx"]
    document = Document(folder / "plan-ag-uebergang.docx")
    assert "Elternabende" in document.tables[-1].rows[1].cells[1].text
    assert export(code, "--format", "plans-xlsx", "--output", str(folder)) == 0
    assert sorted(path.name for path in folder.iterdir()) == [
        "plan-ag-uebergang.docx",
        "plan-ag-uebergang.xlsx",
    ]


def test_markdown_with_its_default_name(decided, tmp_path):
    code = decided.join_code
    assert export(code, "--format", "markdown", "--language", "en") == 0
    summary = (tmp_path / f"{code}-summary.md").read_text("utf-8")
    assert summary.startswith("# Klausur\n")
    assert "| 1. | Übergang sichern | 2 | 100% |" in summary


def test_report_chart_and_backup_are_written(decided, tmp_path):
    code = decided.join_code
    assert export(code, "--format", "report-docx", "--output", "bericht.docx") == 0
    assert "Klausur" in "\n".join(p.text for p in Document(tmp_path / "bericht.docx").paragraphs)
    assert export(code, "--format", "report-pdf", "--output", "bericht.pdf") == 0
    assert (tmp_path / "bericht.pdf").read_bytes().startswith(b"%PDF-")
    assert export(code, "--format", "png", "--output", "chart.png") == 0
    assert (tmp_path / "chart.png").read_bytes().startswith(b"\x89PNG")
    assert export(code, "--format", "png", "--round", "1", "--output", "round1.png") == 0
    assert export(code, "--format", "json", "--output", "backup.json") == 0
    backup = json.loads((tmp_path / "backup.json").read_text("utf-8"))
    assert decided.projector_key not in json.dumps(backup)


def test_a_wrong_code_exits_with_2_and_says_so(decided, tmp_path, capsys):
    assert export("ZZZZZZ", "--format", "xlsx") == 2
    assert "ZZZZZZ" in capsys.readouterr().err
    assert list(tmp_path.glob("*.xlsx")) == []


def test_a_wrong_format_or_language_exits_with_2(decided, capsys):
    for arguments in (("--format", "docx"), ("--format", "xlsx", "--language", "fr"), ()):
        with pytest.raises(SystemExit) as stopped:
            export(decided.join_code, *arguments)
        assert stopped.value.code == 2
    assert "invalid choice: 'docx'" in capsys.readouterr().err


@pytest.mark.parametrize("number", ["2", "3", "0"])
def test_a_round_without_a_result_exits_with_2(decided, tmp_path, capsys, number):
    code = decided.join_code
    assert export(code, "--format", "png", "--round", number, "--output", "x.png") == 2
    assert capsys.readouterr().err.strip()
    assert not (tmp_path / "x.png").exists()


def test_an_output_that_is_a_file_is_refused_for_a_directory_format(decided, tmp_path, capsys):
    (tmp_path / "taken").write_text("x")
    assert export(decided.join_code, "--format", "csv", "--output", "taken") == 2
    assert "taken" in capsys.readouterr().err
