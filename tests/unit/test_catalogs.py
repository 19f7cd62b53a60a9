"""The German and English catalogs are complete, compiled and cover every error code."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from workshop.i18n import ERROR_MESSAGES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "workshop" / "translations"


def extracted_ids(tmp_path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(TRANSLATIONS / "babel.cfg"),
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def _filled(string) -> bool:
    """A translation with every form given (a plural's are a tuple, all of them needed)."""
    return all(string) if isinstance(string, tuple) else bool(string)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_catalog_translates_every_string_in_the_code(tmp_path, lang):
    po_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    translated = {m.id for m in catalog if m.id and _filled(m.string) and not m.fuzzy}
    missing = extracted_ids(tmp_path) - translated
    assert not missing, f"{lang}: untranslated, run scripts/translations.py: {sorted(missing)}"


def _entries(catalog) -> dict:
    """Each message by context and id; plural forms as tuples (.mo files read them as lists)."""

    def plain(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {(m.context, plain(m.id)): plain(m.string) for m in catalog if m.id}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_compiled_catalog_matches_its_source(lang):
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as handle:
        source = _entries(read_po(handle))
    with (folder / "messages.mo").open("rb") as handle:
        compiled = _entries(read_mo(handle))
    assert compiled == source, "messages.mo is stale: run scripts/translations.py"


def raised_codes() -> set[str]:
    """Every literal error code passed to a DomainError (or subclass) in the package."""
    names = {"DomainError", "NotFound", "Forbidden", "Conflict", "Invalid"}
    codes = set()
    for path in (ROOT / "workshop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) in names
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                codes.add(node.args[0].value)
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) in ("error_ack", "_refuse", "message_for")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                codes.add(node.args[0].value)
    return codes


def test_every_error_code_has_a_message():
    codes = raised_codes()
    assert len(codes) > 20
    assert codes - set(ERROR_MESSAGES) == set()
