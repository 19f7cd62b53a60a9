"""The workshop's tables as XLSX, CSV, Markdown and working-group plans, parsed back."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document
from flask import Flask
from flask_babel import Babel
from openpyxl import load_workbook

import workshop as workshop_package
from workshop.exports.csv_export import csv_files, csv_zip, neutralise
from workshop.exports.markdown import md_text, workshop_markdown
from workshop.exports.spreadsheet import plan_docx, plan_files, plan_xlsx, workshop_xlsx
from workshop.exports.tables import ascii_slug, working_groups, workshop_tables
from workshop.models import Card
from workshop.services import ballots, cards, clusters, goals, plans, priorities, votes
from workshop.services.participants import join_workshop
from workshop.services.stand_ins import create_paper_ballot, create_proxy
from workshop.services.workshops import set_phase

FORMULA_CARDS = [
    '=HYPERLINK("http://evil.example","klick")',
    "+1 mehr Praktika",
    "-2 Plätze",
    "@SUM(A1:A9)",
]
SCRIPT_CARD = "<script>alert('x')</script> **fett** | Spalte"
EMOJI_CARD = "Übergänge gelingen öfter 🎉"
LONG_CARD = ("Ausbildungsmesse für alle Schulformen mit Bussen aus den Stadtteilen. " * 30)[:2000]
SECRET_CARD = "GELÖSCHT vertraulich"


@pytest.fixture
def in_app():
    """An app context with the real catalogs, so headers come out in German or English."""
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(
        Path(workshop_package.__file__).parent / "translations"
    )
    Babel(app)
    with app.app_context():
        yield app


@pytest.fixture
def retreat(session, workshop):
    """A whole retreat: cards of every sort, a cluster, three goals (one never voted on),
    a revealed dot round with proxy and paper ballots, a prepared matrix round, a closed
    ranking round, confirmed priorities and a plan with measures."""
    workshop.title = "Klausur Übergänge 🎯"
    workshop.place = "Rathaus Bochum"
    workshop.event_date = date(2026, 11, 27)
    workshop.card_names = "names"
    field, other_field = workshop.fields[0], workshop.fields[1]
    success, challenge = workshop.kinds[0], workshop.kinds[1]
    set_phase(session, workshop, "collect")
    anna, _ = join_workshop(session, workshop, "Anna Müller", "Agentur für Arbeit")
    ben, _ = join_workshop(session, workshop)

    def post(author, text, kind=success, where=field):
        return cards.post_card(session, workshop, author, where.id, kind.id, text)[0]

    emoji = post(anna, EMOJI_CARD)
    formula = [post(ben, text, challenge) for text in FORMULA_CARDS]
    script = post(anna, SCRIPT_CARD, where=other_field)
    hidden = post(ben, "Persönliche Bemerkung")
    cards.set_hidden(session, workshop, hidden.id, True)
    duplicate = post(ben, "Übergänge gelingen öfter")
    cards.merge_cards(session, workshop, duplicate.id, emoji.id)
    deleted = post(ben, SECRET_CARD)
    cards.moderate_delete(session, workshop, deleted.id, True)
    # Longer than a phone may type (500): what an import or an older version may hold.
    long_card = Card(
        workshop_id=workshop.id, field_id=field.id, kind_id=challenge.id, text=LONG_CARD
    )
    session.add(long_card)
    session.flush()

    set_phase(session, workshop, "cluster")
    cluster, _ = clusters.create_cluster(
        session, workshop, field.id, "Übergang 🚀", [emoji.id, formula[0].id, long_card.id]
    )
    set_phase(session, workshop, "goals")
    first, _ = goals.create_goal(
        session, workshop, "Übergang sichern", "Alle Jugendlichen 🎓", cluster_id=cluster.id
    )
    second, _ = goals.create_goal(session, workshop, "=Praktika ausbauen", field_id=field.id)
    goals.create_goal(session, workshop, "Ziel ohne Stimmen <b>", card_ids=[script.id])

    set_phase(session, workshop, "vote")
    dots, _ = votes.create_round(
        session, workshop, votes.RoundSettings(title="Punkte", goal_ids=[first.id, second.id])
    )
    votes.set_status(session, workshop, dots.id, "open")
    proxy, _ = create_proxy(session, workshop, "Frau Schulte", "Schulamt")
    paper, _ = create_paper_ballot(session, workshop, dots.id)
    ballots.set_dots(session, workshop, anna, dots.id, first.id, 3)
    ballots.set_dots(session, workshop, anna, dots.id, second.id, 1)
    ballots.set_dots(session, workshop, ben, dots.id, first.id, 2)
    ballots.set_dots(session, workshop, proxy, dots.id, second.id, 3)
    ballots.set_dots(session, workshop, paper, dots.id, first.id, 1)
    votes.set_status(session, workshop, dots.id, "closed")
    votes.set_status(session, workshop, dots.id, "revealed")
    votes.create_round(
        session, workshop, votes.RoundSettings(method="matrix", title="Matrix", goal_ids=[first.id])
    )
    ranking, _ = votes.create_round(
        session,
        workshop,
        votes.RoundSettings(method="ranking", title="Rangfolge", goal_ids=[first.id, second.id]),
    )
    votes.set_status(session, workshop, ranking.id, "open")
    ballots.set_ranking(session, workshop, ben, ranking.id, [second.id, first.id])
    votes.set_status(session, workshop, ranking.id, "closed")

    priorities.set_priorities(session, workshop, [first.id, second.id])
    priorities.set_decision_note(session, workshop, first.id, "Einstimmig 👍\nmit Auftrag")
    plans.set_goal_plan(
        session,
        workshop,
        first.id,
        {
            "working_group": "AG Übergang Schule–Beruf",
            "lead": "Schulamt",
            "target": "Schuljahr 2027/28",
            "indicator": "Quote der Anschlüsse steigt",
            "status": "in_progress",
        },
    )
    plans.add_measure(
        session,
        workshop,
        first.id,
        {"text": "=Elternabende an allen Schulen", "owner": "KoKo", "due": "März 2027"},
    )
    plans.add_measure(session, workshop, first.id, {"text": "Praktikumsbörse", "status": "done"})
    session.commit()
    return workshop


def sheet_rows(book, name):
    return [list(row) for row in book[name].iter_rows(values_only=True)]


def as_dicts(rows):
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def all_text(data: bytes) -> str:
    """Every XML part of an Office file (or the CSVs of a ZIP) as one text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_xlsx_has_a_typed_sheet_per_kind_of_thing(session, retreat):
    workshop = retreat
    book = load_workbook(io.BytesIO(workshop_xlsx(session, workshop, "en")))
    assert book.sheetnames == ["Cards", "Clusters", "Goals", "Voting rounds", "Results", "Measures"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
        assert all(cell.font.b for cell in sheet[1])
    card_rows = as_dicts(sheet_rows(book, "Cards"))
    texts = [row["Text"] for row in card_rows]
    assert EMOJI_CARD in texts and LONG_CARD in texts and SCRIPT_CARD in texts
    assert SECRET_CARD not in texts  # deleted by the moderator: only kept for undo
    assert {row["State"] for row in card_rows} == {"visible", "hidden", "merged"}
    emoji_row = next(row for row in card_rows if row["Text"] == EMOJI_CARD)
    assert emoji_row["Author"] == "Anna Müller" and emoji_row["Cluster"] == "Übergang 🚀"
    assert isinstance(emoji_row["Created (UTC)"], datetime)
    assert emoji_row["Supports (+1)"] == 1  # the merged duplicate's author
    # Formula-like text stays text in the workbook.
    cards_sheet = book["Cards"]
    formula_cells = [c for c in cards_sheet["D"] if str(c.value).startswith(("=", "+", "-", "@"))]
    assert {c.value for c in formula_cells} == set(FORMULA_CARDS)
    assert all(c.data_type == "s" for c in formula_cells)

    goal_rows = as_dicts(sheet_rows(book, "Goals"))
    assert [row["Goal"] for row in goal_rows] == [
        "Übergang sichern",
        "=Praktika ausbauen",
        "Ziel ohne Stimmen <b>",
    ]
    first = goal_rows[0]
    assert first["Source cards"] == 3 and first["Cluster"] == "Übergang 🚀"
    assert first["Priority"] == 1 and first["Status"] == "in progress"
    assert first["Decision note"] == "Einstimmig 👍\nmit Auftrag"
    assert goal_rows[2]["Priority"] is None and goal_rows[2]["Source cards"] == 1

    round_rows = as_dicts(sheet_rows(book, "Voting rounds"))
    assert [(r["Method"], r["Status"]) for r in round_rows] == [
        ("Dots", "revealed"),
        ("Impact × feasibility", "prepared"),
        ("Ranking", "closed"),
    ]
    dots_round = round_rows[0]
    assert (dots_round["Voted"], dots_round["By proxy"], dots_round["On paper"]) == (4, 1, 1)
    assert dots_round["Dots per person"] == 5 and dots_round["Scale from"] is None

    results = as_dicts(sheet_rows(book, "Results"))
    assert {row["Round No."] for row in results} == {1, 3}  # the prepared round has none yet
    dots_results = [row for row in results if row["Round No."] == 1]
    assert [(r["Goal"], r["Rank"], r["Dots given"]) for r in dots_results] == [
        ("Übergang sichern", 1, 6),
        ("=Praktika ausbauen", 2, 4),
    ]
    assert dots_results[0]["Share of voters"] == 0.75
    assert book["Results"]["H2"].number_format == "0%"
    ranking = [row for row in results if row["Round No."] == 3]
    assert [(r["Goal"], r["Borda points"]) for r in ranking] == [
        ("=Praktika ausbauen", 1),
        ("Übergang sichern", 0),
    ]
    measures = as_dicts(sheet_rows(book, "Measures"))
    assert [(m["Measure"], m["Responsible"], m["Status"]) for m in measures] == [
        ("=Elternabende an allen Schulen", "KoKo", "planned"),
        ("Praktikumsbörse", None, "completed"),
    ]


def test_authors_appear_only_when_the_workshop_shows_names(session, retreat):
    workshop = retreat
    workshop.card_names = "anonymous"
    cards_table = workshop_tables(session, workshop, "en")[0]
    assert "Author" not in [column.header for column in cards_table.columns]
    assert "Anna Müller" not in all_text(workshop_xlsx(session, workshop, "en"))
    assert "Anna Müller" not in workshop_markdown(session, workshop, "en")


def test_headers_follow_the_chosen_language(session, retreat, in_app):
    workshop = retreat
    german = workshop_tables(session, workshop, "de")
    english = workshop_tables(session, workshop, "en")
    assert [t.title for t in english][:3] == ["Cards", "Clusters", "Goals"]
    assert german[0].title == "Karten" and german[2].columns[1].header == "Ziel"
    assert "Handlungsfeld" in [column.header for column in german[0].columns]
    assert "Action field" in [column.header for column in english[0].columns]


def test_csv_is_excel_ready_and_never_runs_a_formula(session, retreat):
    workshop = retreat
    files = csv_files(session, workshop, "de")
    assert sorted(files) == [
        "cards.csv",
        "clusters.csv",
        "goals.csv",
        "measures.csv",
        "results.csv",
        "rounds.csv",
    ]
    raw = files["cards.csv"]
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    texts = [row[3] for row in rows[1:]]
    assert EMOJI_CARD in texts and LONG_CARD in texts and SCRIPT_CARD in texts
    for text in FORMULA_CARDS:
        assert "'" + text in texts and text not in texts
    every_cell = [
        cell
        for data in files.values()
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
        for cell in row
    ]
    assert not [cell for cell in every_cell if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    results = list(
        csv.DictReader(io.StringIO(files["results.csv"].decode("utf-8-sig")), delimiter=";")
    )
    assert results[0]["Share of voters"] == "0,75"  # German Excel's decimal comma
    created = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))[1][-1]
    assert datetime.strptime(created, "%Y-%m-%d %H:%M")
    english = csv_files(session, workshop, "en")["results.csv"].decode("utf-8-sig")
    assert next(csv.DictReader(io.StringIO(english)))["Share of voters"] == "0.75"


@pytest.mark.parametrize(
    "text, shown",
    [
        ("=1+1", "'=1+1"),
        ("+49 234", "'+49 234"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Ziel = Anschluss", "Ziel = Anschluss"),
        ("", ""),
    ],
)
def test_neutralise_escapes_only_a_formula_start(text, shown):
    assert neutralise(text) == shown


def test_csv_zip_holds_every_table(session, retreat):
    workshop = retreat
    with zipfile.ZipFile(io.BytesIO(csv_zip(session, workshop, "en"))) as archive:
        assert len(archive.namelist()) == 6
        goals_csv = archive.read("goals.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(goals_csv)))
    assert [row["Goal"] for row in rows][2] == "Ziel ohne Stimmen <b>"


def test_markdown_summary_escapes_what_people_typed(session, retreat):
    workshop = retreat
    summary = workshop_markdown(session, workshop, "en")
    assert summary.startswith("# Klausur Übergänge 🎯\n")
    assert "&lt;script&gt;" not in summary  # cards are counted, not listed
    assert "Ziel ohne Stimmen &lt;b&gt;" in summary and "<b>" not in summary
    assert "| Studien\\- und Berufsorientierung" not in summary
    assert "Übergang 🚀" in summary
    assert "### Round 1: Punkte" in summary
    assert "| 1. | Übergang sichern | 6 | 75% |" in summary
    assert "No result yet: the round is not closed." in summary  # the prepared matrix round
    assert "### 1. Übergang sichern" in summary
    assert "| 1 | \\=Elternabende an allen Schulen | KoKo | März 2027 | planned |" in summary
    assert "Einstimmig 👍  \nmit Auftrag" in summary


@pytest.mark.parametrize(
    "text, escaped",
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("**fett** | _kursiv_", "\\*\\*fett\\*\\* \\| \\_kursiv\\_"),
        ("# Überschrift", "\\# Überschrift"),
        ("- Liste", "\\- Liste"),
        ("1. Punkt", "1\\. Punkt"),
        ("[Link](http://evil.example)", "\\[Link\\](http://evil.example)"),
        ("A & B", "A &amp; B"),
    ],
)
def test_markdown_escaping(text, escaped):
    assert md_text(text) == escaped


def test_working_group_plans(session, retreat):
    workshop = retreat
    groups = working_groups(session, workshop, "en")
    assert [(g.name, [goal.title for goal in g.goals]) for g in groups] == [
        ("AG Übergang Schule–Beruf", ["Übergang sichern"]),
        ("", ["=Praktika ausbauen"]),
    ]
    assert groups[1].label == "no working group"
    document = Document(io.BytesIO(plan_docx(session, workshop, groups[0], "en")))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Work plan: AG Übergang Schule–Beruf"
    assert "Priority 1: Übergang sichern" in paragraphs
    measures = document.tables[-1]
    assert [cell.text for cell in measures.rows[1].cells] == [
        "1",
        "=Elternabende an allen Schulen",
        "KoKo",
        "März 2027",
        "planned",
    ]
    facts = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert facts["Indicator of success"] == "Quote der Anschlüsse steigt"
    assert facts["Decision note"] == "Einstimmig 👍\nmit Auftrag"

    book = load_workbook(io.BytesIO(plan_xlsx(session, workshop, groups[0], "en")))
    sheet = book.active
    assert sheet["A1"].value == "Work plan: AG Übergang Schule–Beruf"
    assert sheet.freeze_panes == "A5"
    rows = as_dicts([list(r) for r in sheet.iter_rows(min_row=4, values_only=True)])
    assert [(r["Goal"], r["Measure"], r["By when"]) for r in rows] == [
        ("Übergang sichern", "=Elternabende an allen Schulen", "März 2027"),
        ("Übergang sichern", "Praktikumsbörse", None),
    ]
    assert sheet["I5"].data_type == "s"  # a measure starting with "=" is no formula

    # A goal without measures still gets its row and its section.
    lone = load_workbook(io.BytesIO(plan_xlsx(session, workshop, groups[1], "en"))).active
    assert lone["C5"].value == "=Praktika ausbauen" and lone["I5"].value is None
    lone_doc = Document(io.BytesIO(plan_docx(session, workshop, groups[1], "en")))
    assert "No measures yet." in [p.text for p in lone_doc.paragraphs]


def test_plan_files_are_named_after_their_group(session, retreat):
    workshop = retreat
    assert sorted(plan_files(session, workshop, "en", "docx")) == [
        "plan-ag-uebergang-schule-beruf.docx",
        "plan-no-working-group.docx",
    ]
    assert sorted(plan_files(session, workshop, "en", "xlsx"))[0].endswith(".xlsx")
    assert ascii_slug("Straße – Übergang 🎯", "x") == "strasse-uebergang"
    assert ascii_slug("🎯", "group") == "group"


def test_no_secret_and_no_single_ballot_in_any_export(session, retreat):
    workshop = retreat
    groups = working_groups(session, workshop, "en")
    outputs = [
        all_text(workshop_xlsx(session, workshop, "en")),
        all_text(csv_zip(session, workshop, "de")),
        workshop_markdown(session, workshop, "de"),
        *(all_text(plan_docx(session, workshop, g, "de")) for g in groups),
        *(all_text(plan_xlsx(session, workshop, g, "de")) for g in groups),
    ]
    secrets = [workshop.projector_key, workshop.moderator_token_hash, SECRET_CARD]
    for output in outputs:
        for secret in secrets:
            assert secret not in output
        # The proxy's name would tell whose ballot a stand-in cast; it never appears.
        assert "Frau Schulte" not in output


def test_an_empty_workshop_exports_empty_tables(session, workshop):
    book = load_workbook(io.BytesIO(workshop_xlsx(session, workshop, "en")))
    assert all(sheet.max_row == 1 for sheet in book.worksheets)
    assert "No goals." in workshop_markdown(session, workshop, "en")
    assert working_groups(session, workshop, "en") == []
