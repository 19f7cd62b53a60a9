"""Update the translation catalogs: extract, merge into de/en, fill English, compile.

Run after changing any user-facing string: ``python scripts/translations.py``. Then translate
the new German entries (``msgstr ""``) in workshop/translations/de/LC_MESSAGES/messages.po and
run it once more. The test suite fails while any entry is untranslated or fuzzy.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
DIR = ROOT / "workshop" / "translations"
POT = DIR / "messages.pot"


def run(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def main() -> None:
    run(
        "extract",
        "-F",
        str(DIR / "babel.cfg"),
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "--omit-header",
        "-o",
        str(POT),
        ".",
    )
    for lang in ("de", "en"):
        po = DIR / lang / "LC_MESSAGES" / "messages.po"
        if po.exists():
            run(
                "update",
                "-i",
                str(POT),
                "-o",
                str(po),
                "-l",
                lang,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            )
        else:
            run("init", "-i", str(POT), "-o", str(po), "-l", lang)
    for lang in ("de", "en"):
        po = DIR / lang / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        # A new catalog's header is fuzzy; the entries are what the test suite checks.
        catalog.fuzzy = False
        if lang == "en":
            # The source strings are English: the English catalog repeats them.
            for message in catalog:
                forms = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.id and not all(forms):
                    message.string = message.id
        with po.open("wb") as handle:
            write_po(handle, catalog, sort_output=True, width=100)
    run("compile", "-d", str(DIR), "--statistics")


if __name__ == "__main__":
    main()
