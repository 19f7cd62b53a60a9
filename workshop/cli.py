"""Serving from the command line: LAN address detection, the terminal QR code, the demo."""

from __future__ import annotations

import contextlib
import logging
import socket
from datetime import date

from flask import Flask

from .exports.qr import qr_text
from .extensions import socketio


def lan_address() -> str | None:
    """The address other devices on the network reach this machine at (no traffic is sent)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # connect() on UDP only picks the outgoing interface; nothing leaves the machine.
        probe.connect(("10.255.255.255", 1))
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


def create_demo(app: Flask) -> tuple[str, str]:
    """Create a demo workshop; return its join code and moderator token."""
    from .db import get_session
    from .services.workshops import WorkshopDetails, create_workshop

    with app.app_context():
        db = get_session()
        workshop, token = create_workshop(
            db,
            WorkshopDetails(
                title="Strategieklausur Lenkungskreis KAoA (Demo)",
                event_date=date.today(),
                place="Rathaus, Sitzungssaal",
                description="Zwischenbilanz, strategische Ziele und Prioritäten.",
            ),
            template="kaoa",
        )
        db.commit()
        return workshop.join_code, token


def serve(host: str, port: int, async_mode: str, demo: bool = False) -> int:
    """Build the app and serve it until interrupted."""
    from . import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Request logs would contain secret moderator links (/m/<token>) and phones' addresses.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    overrides: dict[str, object] = {"ASYNC_MODE": async_mode, "HOST": host, "PORT": port}
    address = lan_address()
    if address and host in ("0.0.0.0", "::"):
        overrides["LAN_URL"] = f"http://{address}:{port}"
    app = create_app(overrides)
    base = app.config.get("PUBLIC_URL") or app.config.get("LAN_URL") or f"http://{host}:{port}"
    print(f"\nworkshop läuft / is running: {base}")
    if not app.config.get("PUBLIC_URL") and not app.config.get("LAN_URL"):
        print("Hinweis: keine Netzwerkadresse gefunden – Handys erreichen diesen Rechner nicht.")
        print("Note: no network address found; set PUBLIC_URL so phones can reach this machine.")
    print(qr_text(base))
    if demo:
        code, token = create_demo(app)
        print(f"Demo-Workshop: Code {code}")
        print(f"Moderation (einmalig angezeigt / shown once): {base}/m/{token}")
    print(f"Start: {base}/  ·  Strg+C beendet / Ctrl+C stops\n", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, log_output=False)
    print("workshop beendet / stopped", flush=True)
    return 0
