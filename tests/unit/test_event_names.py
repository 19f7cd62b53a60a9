"""The browser's event list mirrors the server's, so no page sends or waits for a wrong name."""

import re
from pathlib import Path

from workshop.realtime import events

ROOT = Path(__file__).resolve().parents[2]


def test_events_js_mirrors_events_py():
    server = {
        name: value
        for name, value in vars(events).items()
        if name.isupper() and isinstance(value, str)
    }
    script = (ROOT / "static" / "js" / "lib" / "events.js").read_text()
    browser = dict(re.findall(r"^\s+([A-Z_]+): \"([a-z.]+)\",$", script, re.MULTILINE))
    assert browser == server
