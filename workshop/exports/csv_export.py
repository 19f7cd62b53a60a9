"""The workshop's tables as CSV files (one per table, and all of them as one ZIP).

Made for Excel, which is what the offices open them with:

- UTF-8 with a byte order mark: without it Excel reads the file in the system's legacy code
  page and umlauts break.
- German: ``;`` between cells and a decimal comma, because German Excel splits cells at its
  list separator (``;``, since ``,`` is the decimal sign) and reads ``3.5`` as a date or text.
  English: ``,`` and a decimal point, as English Excel expects. No ``sep=`` line: with it
  Excel ignores the byte order mark again.
- Dates and times as ISO 8601 (``2026-11-27 09:45``, UTC), which Excel reads in every locale.
- Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
  ``'``, so no spreadsheet runs a card as a formula (CSV injection).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from ..models import Workshop
from .tables import Table, Value, workshop_tables

#: What makes a spreadsheet treat a cell as a formula (OWASP's list for CSV injection).
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CsvStyle:
    """The separators the spreadsheet of a language expects."""

    delimiter: str
    decimal: str


STYLES = {"de": CsvStyle(";", ","), "en": CsvStyle(",", ".")}


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as it is: a formula-like start is escaped with a quote."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: Value, style: CsvStyle) -> str:
    """One value as CSV text (numbers with the language's decimal sign, times in UTC)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(value).replace(".", style.decimal)
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def table_csv(table: Table, language: str) -> bytes:
    """One table as a CSV file (UTF-8 with BOM, CRLF line ends as Excel writes them)."""
    style = STYLES.get(language, STYLES["de"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style.delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(column.header) for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(value, style) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def csv_files(session: Session, workshop: Workshop, language: str) -> dict[str, bytes]:
    """Every table as ``<table>.csv`` (cards, clusters, goals, rounds, results, measures)."""
    return {
        f"{table.key}.csv": table_csv(table, language)
        for table in workshop_tables(session, workshop, language)
    }


def csv_zip(session: Session, workshop: Workshop, language: str) -> bytes:
    """All CSV files in one ZIP, for a single download."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in csv_files(session, workshop, language).items():
            archive.writestr(name, data)
    return buffer.getvalue()
