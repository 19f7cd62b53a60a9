"""The committee report (DOCX and PDF) and the result chart PNG, opened with real parsers."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

import pytest
from docx import Document
from helpers import dispose
from PIL import Image
from pypdf import PdfReader

from workshop import create_app
from workshop.exports.charts import round_chart_png
from workshop.exports.report_data import Chart, Heading, build_report, due_order
from workshop.exports.report_docx import build_report_docx
from workshop.exports.report_pdf import build_report_pdf
from workshop.models import GoalReview
from workshop.services import (
    ballots,
    cards,
    clusters,
    goals,
    plans,
    priorities,
    stand_ins,
    votes,
)
from workshop.services.participants import join_workshop
from workshop.services.workshops import WorkshopDetails, create_workshop, set_phase

LONG_CARD = (
    "Die Berufsorientierung beginnt in Klasse 8 mit der Potenzialanalyse; danach folgen "
    "Berufsfelderkundungen, ein Praktikum und die Beratung durch die Agentur für Arbeit. "
    "Viele Schulen berichten, dass die Termine zu eng liegen und die Betriebe zu spät "
    "informiert werden. Wir brauchen einen gemeinsamen Kalender für alle Schulformen, "
    "frühzeitige Absprachen mit Kammern und Innungen sowie eine verlässliche Rückmeldung an "
    "die Schülerinnen und Schüler. ENDE-DER-LANGEN-KARTE"
)
SECRET_NAMES = ("Erika Mustermann", "Hans Schulz", "Frau Schulte")


@dataclass
class Retreat:
    """A follow-up retreat with everything a report shows, and what it must never show."""

    workshop: object
    token: str
    goal_ids: dict[str, int]
    round_ids: dict[str, int]


@pytest.fixture
def app(database_url, tmp_path):
    """A Flask app for the translations only; the data goes through the unit session."""
    created = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "ASYNC_MODE": "threading",
            "HEARTBEAT": False,
            "AUTO_MIGRATE": False,
            "TESTING": True,
        },
        instance_path=str(tmp_path / "instance"),
    )
    yield created
    dispose(created)


def _field_and_kinds(workshop):
    fields = {f.name: f.id for f in workshop.fields}
    kinds = {k.name: k.id for k in workshop.kinds}
    return fields, kinds


@pytest.fixture
def retreat(session):
    """A KAoA follow-up retreat: cards in every state, themes, goals, three rounds, plans."""
    previous, _ = create_workshop(
        session,
        WorkshopDetails(title="Klausur 2025", event_date=date(2025, 3, 14), place="Bochum"),
    )
    workshop, token = create_workshop(
        session,
        WorkshopDetails(
            title="Strategieklausur KAoA – Übergänge gestalten",
            event_date=date(2026, 11, 27),
            place="Bochum, Rathaus",
            moderation="Büro Müller & Partner",
            description="Zweite Klausur des Lenkungskreises.",
        ),
    )
    workshop.previous_id = previous.id
    session.flush()
    fields, kinds = _field_and_kinds(workshop)
    orientation, transition, dual, coordination = list(fields.values())
    success, challenge = kinds["Erfolg"], kinds["Herausforderung"]

    erika = join_workshop(session, workshop, "Erika Mustermann", "Agentur für Arbeit")[0]
    hans = join_workshop(session, workshop, "Hans Schulz", "Schulamt für die Stadt Bochum")[0]
    anonymous = [join_workshop(session, workshop, "", "Agentur für Arbeit")[0]]
    anonymous.append(join_workshop(session, workshop)[0])
    proxy = stand_ins.create_proxy(session, workshop, "Frau Schulte", "IHK Mittleres Ruhrgebiet")[0]

    set_phase(session, workshop, "collect")

    def post(author, field, kind, text):
        return cards.post_card(session, workshop, author, field, kind, text)[0]

    umlaut = post(erika, orientation, success, "Größere Übergänge: Schüler*innen äußern Wünsche")
    emoji = post(hans, orientation, success, "Praktikumsbörse läuft 🎉 super")
    long_card = post(erika, orientation, challenge, LONG_CARD)
    formula = post(hans, transition, challenge, "=SUM(A1)")
    html = post(anonymous[0], transition, success, "<b>not bold</b> & <i>kein HTML</i>")
    dual_card = post(anonymous[1], dual, challenge, "Zu wenige Ausbildungsbetriebe im Handwerk")
    coord_card = post(None, coordination, success, "Datenaustausch mit Nachbarstädten")
    hidden = post(erika, dual, success, "VERSTECKTE-KARTE")
    deleted = post(hans, dual, success, "GELOESCHTE-KARTE")
    duplicate = post(erika, orientation, success, "DOPPELTE-KARTE")
    cards.set_support(session, workshop, hans, umlaut.id, True)
    cards.set_support(session, workshop, anonymous[1], umlaut.id, True)
    cards.set_hidden(session, workshop, hidden.id, True)
    cards.moderate_delete(session, workshop, deleted.id, True)
    cards.merge_cards(session, workshop, duplicate.id, umlaut.id)

    set_phase(session, workshop, "cluster")
    practice = clusters.create_cluster(
        session, workshop, orientation, "Praxisphasen", [umlaut.id, emoji.id, long_card.id]
    )[0]
    clusters.create_cluster(session, workshop, None, "Übergreifend", [formula.id, html.id])

    set_phase(session, workshop, "goals")
    made = {
        "practice": goals.create_goal(
            session, workshop, "Praxisphasen verlässlich planen", cluster_id=practice.id
        )[0],
        "places": goals.create_goal(
            session,
            workshop,
            "Mehr Ausbildungsplätze im Handwerk",
            field_id=dual,
            card_ids=[dual_card.id],
        )[0],
        "data": goals.create_goal(
            session,
            workshop,
            "Gemeinsame Datenbasis",
            field_id=coordination,
            card_ids=[coord_card.id],
        )[0],
        "unvoted": goals.create_goal(session, workshop, "Ziel ohne Abstimmung 🚀")[0],
        "earlier": goals.create_goal(session, workshop, "Übergangsmonitoring (aus 2025)")[0],
    }
    made["earlier"].previous_goal_id = 4242
    made["earlier"].status = "in_progress"
    session.flush()
    voted = [made["practice"].id, made["places"].id, made["data"].id]

    set_phase(session, workshop, "vote")
    round_ids = {}
    dots = votes.create_round(
        session, workshop, votes.RoundSettings(title="Punktabfrage", goal_ids=voted)
    )[0]
    votes.set_status(session, workshop, dots.id, "open")
    paper = stand_ins.create_paper_ballot(session, workshop, dots.id)[0]
    # practice 4, places 4 (shared rank 1), data 1
    ballots.set_dots(session, workshop, erika, dots.id, voted[0], 3)
    ballots.set_dots(session, workshop, hans, dots.id, voted[1], 3)
    ballots.set_dots(session, workshop, proxy, dots.id, voted[0], 1)
    ballots.set_dots(session, workshop, paper, dots.id, voted[1], 1)
    ballots.set_dots(session, workshop, anonymous[0], dots.id, voted[2], 1)
    votes.set_status(session, workshop, dots.id, "closed")
    votes.set_status(session, workshop, dots.id, "revealed")
    round_ids["dots"] = dots.id

    ranking = votes.create_round(
        session, workshop, votes.RoundSettings(method="ranking", goal_ids=voted)
    )[0]
    votes.set_status(session, workshop, ranking.id, "open")
    ballots.set_ranking(session, workshop, erika, ranking.id, voted)
    ballots.set_ranking(session, workshop, hans, ranking.id, [voted[1], voted[0], voted[2]])
    votes.set_status(session, workshop, ranking.id, "closed")
    round_ids["ranking"] = ranking.id

    matrix = votes.create_round(
        session, workshop, votes.RoundSettings(method="matrix", goal_ids=voted)
    )[0]
    votes.set_status(session, workshop, matrix.id, "open")
    for voter, values in ((erika, (5, 4)), (hans, (4, 3))):
        ballots.set_rating(session, workshop, voter, matrix.id, voted[0], "x", values[0])
        ballots.set_rating(session, workshop, voter, matrix.id, voted[0], "y", values[1])
    ballots.set_rating(session, workshop, erika, matrix.id, voted[1], "x", 2)
    ballots.set_rating(session, workshop, erika, matrix.id, voted[1], "y", 2)
    votes.set_status(session, workshop, matrix.id, "closed")
    votes.set_status(session, workshop, matrix.id, "revealed")
    round_ids["matrix"] = matrix.id

    draft = votes.create_round(
        session, workshop, votes.RoundSettings(title="ENTWURF-RUNDE", goal_ids=voted)
    )[0]
    round_ids["draft"] = draft.id

    set_phase(session, workshop, "results")
    priorities.set_priorities(session, workshop, [voted[1], voted[0]])
    priorities.set_decision_note(
        session, workshop, voted[1], "Die FAG Duales System übernimmt; Bericht im Juni."
    )
    plans.set_goal_plan(
        session,
        workshop,
        voted[1],
        {
            "working_group": "FAG Duales System",
            "lead": "Handwerkskammer Dortmund",
            "target": "Schuljahr 2027/28",
            "indicator": "10 % mehr Ausbildungsverträge",
            "status": "in_progress",
        },
    )
    for text, owner, due, status in (
        ("Betriebe ansprechen", "Kreishandwerkerschaft", "Schuljahr 2027/28", "planned"),
        ("Azubi-Speeddating organisieren", "IHK", "15.03.2027", "in_progress"),
        ("Flyer drucken", "Stadt", "01.02.2027", "done"),
    ):
        plans.add_measure(
            session,
            workshop,
            voted[1],
            {"text": text, "owner": owner, "due": due, "status": status},
        )
    plans.add_measure(
        session,
        workshop,
        made["earlier"].id,
        {
            "text": "Monitoringbericht vorlegen",
            "owner": "Kommunale Koordinierung",
            "due": "06/2027",
            "status": "planned",
        },
    )
    for voter, light, comment in (
        (erika, "green", "Gute Fortschritte beim Monitoring"),
        (hans, "yellow", ""),
        (anonymous[0], "yellow", "Daten kommen zu spät"),
        (anonymous[1], "red", ""),
    ):
        session.add(
            GoalReview(
                goal_id=made["earlier"].id, participant_id=voter.id, light=light, comment=comment
            )
        )
    session.commit()
    return Retreat(workshop, token, {k: g.id for k, g in made.items()}, round_ids)


def docx_text(data: bytes) -> tuple[str, list[tuple[str, str]]]:
    """All text of a DOCX (paragraphs, tables, footer) and its headings with their style."""
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    return "\n".join(parts), headings


def pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def squash(text: str) -> str:
    """Text without line breaks or repeated spaces, as long cards wrap in a PDF."""
    return re.sub(r"\s+", " ", text)


def test_report_data_keeps_secrets_and_hidden_cards_out(session, retreat, app):
    with app.app_context():
        report = build_report(session, retreat.workshop, "en")
    everything = repr(report)
    for secret in (
        retreat.workshop.projector_key,
        retreat.workshop.moderator_token_hash,
        retreat.token,
        *SECRET_NAMES,
        "VERSTECKTE-KARTE",
        "GELOESCHTE-KARTE",
        "DOPPELTE-KARTE",
        "ENTWURF-RUNDE",
    ):
        assert secret not in everything
    charts = [block for block in report.blocks if isinstance(block, Chart)]
    assert len(charts) == 3  # two revealed rounds and one closed; the draft has no result
    levels = {block.level for block in report.blocks if isinstance(block, Heading)}
    assert levels == {1, 2, 3}


@pytest.mark.parametrize("language", ["de", "en"])
def test_docx_report_has_structure_content_and_no_secrets(session, retreat, app, language):
    with app.app_context():
        data = build_report_docx(session, retreat.workshop, language)
    text, headings = docx_text(data)
    document = Document(io.BytesIO(data))
    level1 = [t for style, t in headings if style == "Heading 1"]
    if language == "en":
        assert level1 == [
            "Organisations present",
            "Progress since the last retreat",
            "Interim review",
            "Themes",
            "Strategic goals",
            "Voting rounds",
            "Confirmed priorities",
            "Next steps",
        ]
    else:
        assert "Strategische Ziele" in level1 and "Themen" in level1
    assert {style for style, _t in headings} == {"Heading 1", "Heading 2", "Heading 3"}
    # Title page facts
    assert "Strategieklausur KAoA – Übergänge gestalten" in text
    assert "Bochum, Rathaus" in text and "Büro Müller & Partner" in text
    assert ("27. November 2026" if language == "de" else "November 27, 2026") in text
    # Organisations with counts, no personal names (the workshop is anonymous)
    org_table = document.tables[0]
    org_rows = {row.cells[0].text: row.cells[1].text for row in org_table.rows[1:]}
    assert org_rows["Agentur für Arbeit"] == "2"
    assert org_rows["IHK Mittleres Ruhrgebiet"] == "1"
    # Every card in full, hidden/deleted/merged ones left out
    for card in (
        "Größere Übergänge: Schüler*innen äußern Wünsche",
        "Praktikumsbörse läuft 🎉 super",
        LONG_CARD,
        "=SUM(A1)",
        "<b>not bold</b> & <i>kein HTML</i>",
    ):
        assert card in text
    for left_out in ("VERSTECKTE-KARTE", "GELOESCHTE-KARTE", "DOPPELTE-KARTE", "ENTWURF-RUNDE"):
        assert left_out not in text
    # Nothing secret anywhere in the package, metadata included
    raw = _docx_xml(data)
    for secret in (retreat.workshop.projector_key, retreat.token, *SECRET_NAMES):
        assert secret not in raw
    # TOC and PAGE fields
    assert "TOC \\o" in raw and " PAGE " in raw and " NUMPAGES " in raw
    assert "w:updateFields" in raw
    section = document.sections[0]
    assert section.different_first_page_header_footer  # no number on the title page
    assert "PAGE" in section.footer._element.xml
    assert len(document.inline_shapes) == 3  # one chart per closed or revealed round


def _docx_xml(data: bytes) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return "\n".join(
            package.read(name).decode("utf-8", "replace")
            for name in package.namelist()
            if name.endswith(".xml") or name.endswith(".rels")
        )


def test_docx_traces_goals_rounds_priorities_and_progress(session, retreat, app):
    with app.app_context():
        data = build_report_docx(session, retreat.workshop, "en")
    text, headings = docx_text(data)
    names = [t for _style, t in headings]
    # goal → theme → source cards
    goal_at = names.index("Goal 1: Praxisphasen verlässlich planen")
    assert "Goal 4: Ziel ohne Abstimmung 🚀" in names  # a goal without votes still appears
    paragraphs = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    start = paragraphs.index("Goal 1: Praxisphasen verlässlich planen")
    section = "\n".join(paragraphs[start : start + 12])
    assert "Theme: Praxisphasen" in section
    assert "Praktikumsbörse läuft 🎉 super" in section
    assert goal_at < names.index("Voting rounds")
    # the dot round: shared first rank, proxy and paper marked, no per-person votes
    document = Document(io.BytesIO(data))
    result_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Rank"]
    dots = [[c.text for c in row.cells] for row in result_tables[0].rows[1:]]
    assert [(row[0], row[2]) for row in dots] == [("1", "4"), ("1", "4"), ("3", "1")]
    assert "5 of 6 have voted, of them 1 by proxy, 1 on paper" in text
    borda = [[c.text for c in row.cells] for row in result_tables[1].rows[1:]]
    assert [(row[0], row[2]) for row in borda] == [("1", "3"), ("1", "3"), ("3", "0")]
    matrix = [[c.text for c in row.cells] for row in result_tables[2].rows[1:]]
    assert matrix[0][1:4] == ["Goal 1: Praxisphasen verlässlich planen", "4.5", "3.5"]
    assert matrix[-1][-1] == "not rated"
    # priorities with decision note, plan and measures
    assert "Priority 1: Mehr Ausbildungsplätze im Handwerk" in names
    assert "Die FAG Duales System übernimmt; Bericht im Juni." in text
    assert "Handwerkskammer Dortmund" in text and "10 % mehr Ausbildungsverträge" in text
    # next steps: open measures by due date, the done one left out
    next_rows = [[c.text for c in row.cells] for row in document.tables[-1].rows[1:]]
    assert [row[1] for row in next_rows] == [
        "Azubi-Speeddating organisieren",
        "Monitoringbericht vorlegen",
        "Betriebe ansprechen",
    ]
    # follow-up: status, traffic-light counts and comments without names
    assert "Previous retreat: Klausur 2025 (March 14, 2025)" in text
    assert "Review by the room: Green: 1 · Yellow: 2 · Red: 1" in text
    assert "Daten kommen zu spät" in text


@pytest.mark.parametrize("language", ["de", "en"])
def test_pdf_report_has_contents_page_numbers_bookmarks_and_text(session, retreat, app, language):
    with app.app_context():
        data = build_report_pdf(session, retreat.workshop, language)
    text, reader = pdf_text(data)
    flat = squash(text)
    pages = len(reader.pages)
    assert pages >= 6
    last = "Page {} of {}" if language == "en" else "(Seite|Page) {} (von|of) {}"
    assert re.search(last.format(pages, pages), reader.pages[-1].extract_text())
    assert "Strategieklausur KAoA – Übergänge gestalten" in flat
    for card in (
        "Größere Übergänge: Schüler*innen äußern Wünsche",
        "=SUM(A1)",
        "<b>not bold</b> & <i>kein HTML</i>",
        "Praktikumsbörse läuft 🎉 super",
    ):
        assert card in flat, card
    assert squash(LONG_CARD) in flat
    for secret in (
        retreat.workshop.projector_key,
        retreat.token,
        *SECRET_NAMES,
        "VERSTECKTE-KARTE",
        "GELOESCHTE-KARTE",
        "DOPPELTE-KARTE",
    ):
        assert secret not in flat
        assert secret.encode() not in data
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    if language == "en":
        assert "Strategic goals" in outline and "Next steps" in outline
        assert "Contents" in text
        assert "Goal 1: Praxisphasen verlässlich planen" in flat
        # The contents give the page each section starts on.
        contents = reader.pages[1].extract_text()
        for section in ("Voting rounds", "Next steps"):
            # pypdf reads each line's dot leader and number before its title
            page = int(re.search(rf"(\d+)\s*\n{section}\n", contents).group(1))
            assert reader.pages[page - 1].extract_text().startswith(section + "\n")
    else:
        assert "Strategische Ziele" in outline
        assert "5 von 6 haben abgestimmt, davon 1 per Vertretung, 1 auf Papier" in flat
    assert reader.metadata.title == "Strategieklausur KAoA – Übergänge gestalten"


def test_names_appear_only_when_the_workshop_shows_them(session, retreat, app):
    retreat.workshop.card_names = "names"
    session.commit()
    with app.app_context():
        text, _headings = docx_text(build_report_docx(session, retreat.workshop, "en"))
    assert "Erika Mustermann (Agentur für Arbeit)" in text
    assert "Praktikumsbörse läuft 🎉 super – Hans Schulz" in text


@pytest.mark.parametrize("method", ["dots", "ranking", "matrix"])
@pytest.mark.parametrize(("width", "height"), [(1280, 720), (800, 600)])
def test_round_chart_is_a_png_of_the_asked_size(session, retreat, app, method, width, height):
    vote_round = votes.get_round(session, retreat.workshop, retreat.round_ids[method])
    with app.app_context():
        data = round_chart_png(session, vote_round, "de", width=width, height=height)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (width, height)
    # Not a blank canvas: bars or markers are drawn in the chart colour.
    assert (11, 79, 138) in {color for _count, color in image.getcolors(1 << 20)}


def test_a_workshop_without_anything_still_gives_a_report(session, app):
    workshop, _ = create_workshop(session, WorkshopDetails(title="Leer", language="en"))
    session.commit()
    with app.app_context():
        text, _headings = docx_text(build_report_docx(session, workshop, "en"))
        pdf, _reader = pdf_text(build_report_pdf(session, workshop, "en"))
    assert "No goals were written." in text and "No goals were written." in pdf
    assert "Progress since the last retreat" not in text


def test_due_dates_sort_dated_first():
    dues = ["", "irgendwann", "Schuljahr 2027/28", "15.03.2027", "06/2027", "2026-12-01"]
    assert sorted(dues, key=due_order) == [
        "2026-12-01",
        "15.03.2027",
        "06/2027",
        "Schuljahr 2027/28",
        "irgendwann",
        "",
    ]


def test_proxies_count_apart_and_paper_ballots_not_as_people(session, retreat, app):
    with app.app_context():
        data = build_report_docx(session, retreat.workshop, "en")
    text, _headings = docx_text(data)
    assert "4 participants took part. 1 more was represented by a proxy." in text
    org_rows = {
        row.cells[0].text: row.cells[1].text for row in Document(io.BytesIO(data)).tables[0].rows
    }
    assert org_rows["No organisation given"] == "1"  # the anonymous phone, not the paper ballot
    assert "Cards: Erfolg: 2 · Herausforderung: 1" in text  # the merged duplicate not counted
