"""Spreadsheets and the working groups' plans: the workshop's tables as XLSX, and one plan per
working group as XLSX and DOCX, ready to send to that group.

Cells keep their types (numbers as numbers, dates as dates); text is always stored as text,
so a card like ``=HYPERLINK(…)`` never becomes a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from ..models import Goal, Workshop
from .tables import (
    Column,
    Table,
    Value,
    WorkingGroup,
    ascii_slug,
    goal_number,
    plan_status_label,
    working_groups,
    workshop_tables,
)

#: Excel number formats per column kind and language (dates as people there write them).
NUMBER_FORMATS = {
    "int": {"de": "0", "en": "0"},
    "float": {"de": "0.00", "en": "0.00"},
    "percent": {"de": "0%", "en": "0%"},
    "date": {"de": "DD.MM.YYYY", "en": "YYYY-MM-DD"},
    "datetime": {"de": "DD.MM.YYYY HH:MM", "en": "YYYY-MM-DD HH:MM"},
}
#: Column widths in characters: long texts wrap in a wide column, the rest fit their content.
LONG_WIDTH = 60
MAX_WIDTH = 40
MIN_WIDTH = 6
FIXED_WIDTHS = {"date": 12, "datetime": 17, "percent": 9}
#: The language tags Word checks spelling in.
LANGUAGE_TAGS = {"de": "de-DE", "en": "en-GB"}
#: Excel's limit for sheet names.
SHEET_NAME_LENGTH = 31


def printable(text: str) -> str:
    """Text without the control characters XML (and so XLSX and DOCX) cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def excel_value(value: Value) -> Value:
    """A value as openpyxl stores it: Excel has no time zones, so times become naive UTC."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, str):
        return printable(value)
    return value


def _put(sheet: Worksheet, row: int, column: int, value: Value, kind: str, language: str) -> None:
    cell = sheet.cell(row=row, column=column, value=excel_value(value))
    if isinstance(value, str):
        # openpyxl takes any text starting with "=" for a formula; it is the user's text.
        cell.data_type = "s"
        if kind == "long":
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        else:
            cell.alignment = Alignment(vertical="top")
    elif value is not None and kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[kind][language]
        cell.alignment = Alignment(vertical="top")


def _width(column: Column, values: Sequence[Value]) -> float:
    if column.kind == "long":
        return LONG_WIDTH
    if column.kind in FIXED_WIDTHS:
        return max(FIXED_WIDTHS[column.kind], len(column.header) + 2)
    longest = max((len(str(v)) for v in values if v is not None), default=0)
    return max(MIN_WIDTH, min(MAX_WIDTH, max(longest, len(column.header)) + 2))


def write_table(
    sheet: Worksheet,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Value]],
    language: str,
    first_row: int = 1,
) -> None:
    """A header row (bold, frozen, with filters) and the rows below it, each cell typed."""
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=first_row, column=index, value=printable(column.header))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, row in enumerate(rows, start=1):
        for index, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
            _put(sheet, first_row + offset, index, value, column.kind, language)
    for index, column in enumerate(columns, start=1):
        values = [row[index - 1] for row in rows]
        sheet.column_dimensions[get_column_letter(index)].width = _width(column, values)
    sheet.freeze_panes = sheet.cell(row=first_row + 1, column=1)
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A{first_row}:{last}{first_row + max(len(rows), 1)}"


def sheet_name(text: str) -> str:
    """A valid sheet name: without the characters Excel forbids, at most 31 characters."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in printable(text)).strip("' ")
    return cleaned[:SHEET_NAME_LENGTH] or "-"


def _workbook(title: str) -> Workbook:
    book = Workbook()
    book.properties.title = printable(title)
    book.properties.creator = "workshop"
    return book


def _saved(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def tables_xlsx(tables: Sequence[Table], title: str, language: str) -> bytes:
    """One sheet per table."""
    book = _workbook(title)
    book.remove(book.active)
    for table in tables:
        write_table(book.create_sheet(sheet_name(table.title)), table.columns, table.rows, language)
    return _saved(book)


def workshop_xlsx(session: Session, workshop: Workshop, language: str) -> bytes:
    """The workshop's tables (cards, clusters, goals, rounds, results, measures) as XLSX."""
    return tables_xlsx(workshop_tables(session, workshop, language), workshop.title, language)


def _plan_title(group: WorkingGroup) -> str:
    return _("Work plan: %(group)s", group=group.label)


def _date_place(workshop: Workshop, language: str) -> str:
    parts = []
    if workshop.event_date:
        pattern = "%d.%m.%Y" if language == "de" else "%Y-%m-%d"
        parts.append(workshop.event_date.strftime(pattern))
    if workshop.place:
        parts.append(workshop.place)
    return " · ".join([workshop.title, *parts])


def _field_name(workshop: Workshop, goal: Goal) -> str:
    if goal.field_id is None:
        return _("Across action fields")
    return {field.id: field.name for field in workshop.fields}.get(goal.field_id, "")


def plan_rows(
    session: Session, workshop: Workshop, group: WorkingGroup
) -> tuple[tuple[Column, ...], list[tuple[Value, ...]]]:
    """One row per measure, the goal's plan repeated so each row can be filtered on its own;
    a goal without measures gets one row, so no goal of the group is lost."""
    numbers = goal_number(session, workshop)
    columns = (
        Column(_("Goal No."), "int"),
        Column(_("Priority"), "int"),
        Column(_("Goal")),
        Column(_("Action field")),
        Column(_("Lead")),
        Column(_("Target")),
        Column(_("Indicator of success"), "long"),
        Column(_("Status of the goal")),
        Column(_("Measure"), "long"),
        Column(_("Responsible")),
        Column(_("By when")),
        Column(_("Status of the measure")),
    )
    rows: list[tuple[Value, ...]] = []
    for goal in group.goals:
        plan: tuple[Value, ...] = (
            numbers(goal.id),
            goal.priority,
            goal.title,
            _field_name(workshop, goal),
            goal.lead,
            goal.target,
            goal.indicator,
            plan_status_label(goal.status),
        )
        measures = [
            (m.text, m.owner, m.due, plan_status_label(m.status)) for m in goal.measures
        ] or [(None, None, None, None)]
        rows.extend((*plan, *measure) for measure in measures)
    return columns, rows


def plan_xlsx(session: Session, workshop: Workshop, group: WorkingGroup, language: str) -> bytes:
    """One working group's plan as a sheet: title lines, then a filterable table."""
    with force_locale(language):
        title = _plan_title(group)
        columns, rows = plan_rows(session, workshop, group)
        book = _workbook(title)
        sheet = book.active
        sheet.title = sheet_name(_("Work plan"))
        heading = sheet.cell(row=1, column=1, value=printable(title))
        heading.font = Font(bold=True, size=14)
        heading.data_type = "s"
        sheet.cell(
            row=2, column=1, value=printable(_date_place(workshop, language))
        ).data_type = "s"
        write_table(sheet, columns, rows, language, first_row=4)
    return _saved(book)


def _set_language(document: DocxDocument, language: str) -> None:
    """Mark the text's language so Word checks spelling and hyphenates in it."""
    properties = document.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANGUAGE_TAGS.get(language, language))
    properties.append(lang)


def _page_numbers(document: DocxDocument) -> None:
    """ "Page N" in every page's footer (a Word field, so it counts itself)."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.add_run(_("Page") + " ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _repeat_header(table: DocxTable) -> None:
    """The header row repeats on every page a long table runs over."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _docx_table(
    document: DocxDocument, headers: Sequence[str], rows: Sequence[Sequence[object]]
) -> DocxTable:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(printable(header)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else printable(str(value))
    _repeat_header(table)
    return table


def _facts_table(document: DocxDocument, facts: Sequence[tuple[str, str]]) -> DocxTable:
    """A goal's plan as label and value, one fact per row."""
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(printable(label)).bold = True
        cells[1].text = printable(value)
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Cm(4.5), Cm(12)
    return table


def _new_document(title: str, language: str) -> DocxDocument:
    document = Document()
    document.core_properties.title = printable(title)
    document.core_properties.author = "workshop"
    document.core_properties.last_modified_by = "workshop"
    document.core_properties.language = LANGUAGE_TAGS.get(language, language)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.2))
    document.styles["Normal"].font.size = Pt(11)
    _set_language(document, language)
    _page_numbers(document)
    return document


def _goal_heading(goal: Goal, number: int | None) -> str:
    if goal.priority is not None:
        return _("Priority %(n)s: %(goal)s", n=goal.priority, goal=goal.title)
    return _("Goal %(n)s: %(goal)s", n=number, goal=goal.title)


def _goal_facts(workshop: Workshop, goal: Goal) -> list[tuple[str, str]]:
    facts = [
        (_("Action field"), _field_name(workshop, goal)),
        (_("Lead"), goal.lead),
        (_("Target"), goal.target),
        (_("Indicator of success"), goal.indicator),
        (_("Status"), plan_status_label(goal.status)),
        (_("Decision note"), goal.decision_note),
    ]
    return [(label, value) for label, value in facts if value]


def plan_docx(session: Session, workshop: Workshop, group: WorkingGroup, language: str) -> bytes:
    """One working group's plan as a Word document: its goals, each with plan and measures."""
    with force_locale(language):
        numbers = goal_number(session, workshop)
        title = _plan_title(group)
        document = _new_document(title, language)
        document.add_heading(printable(title), level=0)
        document.add_paragraph(printable(_date_place(workshop, language)))
        document.add_paragraph(
            _(
                "The goals below were assigned to this group. Please plan the measures, who is "
                "responsible and by when, and report the status to the coordination office."
            )
        )
        for goal in group.goals:
            document.add_heading(printable(_goal_heading(goal, numbers(goal.id))), level=1)
            if goal.description:
                document.add_paragraph(printable(goal.description))
            facts = _goal_facts(workshop, goal)
            if facts:
                _facts_table(document, facts)
            document.add_heading(_("Measures"), level=2)
            if goal.measures:
                _docx_table(
                    document,
                    (_("No."), _("Measure"), _("Responsible"), _("By when"), _("Status")),
                    [
                        (n, m.text, m.owner, m.due, plan_status_label(m.status))
                        for n, m in enumerate(goal.measures, start=1)
                    ],
                )
            else:
                document.add_paragraph(_("No measures yet."))
        buffer = BytesIO()
        document.save(buffer)
    return buffer.getvalue()


def plan_file_names(groups: Sequence[WorkingGroup], ending: str) -> list[str]:
    """``plan-<group>.<ending>`` per group, distinct even where two names look alike in ASCII."""
    names: list[str] = []
    for group in groups:
        stem = f"plan-{ascii_slug(group.label, 'group')}"
        name, count = f"{stem}.{ending}", 1
        while name in names:
            count += 1
            name = f"{stem}-{count}.{ending}"
        names.append(name)
    return names


def plan_files(session: Session, workshop: Workshop, language: str, kind: str) -> dict[str, bytes]:
    """Every working group's plan as ``kind`` ("docx" or "xlsx"), by file name."""
    build = plan_docx if kind == "docx" else plan_xlsx
    groups = working_groups(session, workshop, language)
    return {
        name: build(session, workshop, group, language)
        for name, group in zip(plan_file_names(groups, kind), groups, strict=True)
    }
