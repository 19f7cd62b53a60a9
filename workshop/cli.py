"""Serving from the command line: LAN address detection, the terminal QR code, the demo, and
the web server's tuning for a room of 1,000 phones (measured in docs/performance.md)."""

from __future__ import annotations

import contextlib
import gc
import logging
import socket
from datetime import date
from typing import TYPE_CHECKING, Any

from flask import Flask

from .exports.qr import qr_text
from .extensions import socketio

if TYPE_CHECKING:
    from flask_socketio import SocketIO

#: Connections eventlet's server holds at once. Its default, 1,024, counts every open socket,
#: so a large room would leave later phones waiting until someone else disconnects.
MAX_CONNECTIONS = 10_000
#: Allocations between two collections of the youngest generation (Python's default: 700).
GC_THRESHOLD = 50_000


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

    configure_logging()
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
    run_server(socketio, app, host, port, async_mode)
    print("workshop beendet / stopped", flush=True)
    return 0


def configure_logging() -> None:
    """One line per command (workshop, role, event, outcome, duration) and every error."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Request logs would contain secret moderator links (/m/<token>) and phones' addresses.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def run_server(server: SocketIO, app: Flask, host: str, port: int, async_mode: str) -> None:
    """Serve ``app`` until Ctrl+C with the tuning below (also used by the benchmark's floor)."""
    raise_open_file_limit()
    calm_garbage_collector()
    with contextlib.suppress(KeyboardInterrupt):
        server.run(
            app,
            host=host,
            port=port,
            allow_unsafe_werkzeug=True,
            log_output=False,
            **server_options(async_mode),
        )


def server_options(async_mode: str) -> dict[str, Any]:
    """What ``socketio.run`` hands to the web server of ``async_mode``.

    Every accepted connection gets TCP_NODELAY: with Nagle's algorithm on, a small write (an
    ack, a push) can wait for the phone's delayed ACK, about 40 ms. Each server takes it in its
    own handler class; eventlet also gets a pool for ``MAX_CONNECTIONS``. The async library is
    imported only for its own mode, so no eventlet or gevent call reaches the rest of the code.
    """
    if async_mode == "eventlet":
        from eventlet import wsgi

        class EventletProtocol(wsgi.HttpProtocol):
            def setup(self) -> None:
                no_delay(self.request)
                super().setup()

        return {"protocol": EventletProtocol, "max_size": MAX_CONNECTIONS}
    if async_mode == "gevent":
        from gevent import pywsgi

        class GeventHandler(pywsgi.WSGIHandler):
            def handle(self) -> None:
                no_delay(self.socket)
                super().handle()

        return {"handler_class": GeventHandler}
    from werkzeug.serving import WSGIRequestHandler

    class WerkzeugHandler(WSGIRequestHandler):
        def setup(self) -> None:
            super().setup()
            no_delay(self.connection)

    return {"request_handler": WerkzeugHandler}


def no_delay(connection: Any) -> None:
    """Switch Nagle's algorithm off for one connection (nothing to do for a non-TCP one)."""
    with contextlib.suppress(OSError, AttributeError):
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def raise_open_file_limit() -> None:
    """Allow as many open files as the system permits: every phone holds a socket."""
    try:
        import resource
    except ImportError:  # Windows: no such limit
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 65_536)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def calm_garbage_collector() -> None:
    """Fewer and shorter collector pauses while serving.

    A full collection walks every object; under load that paused the whole server for
    75–194 ms. ``gc.freeze()`` moves what start-up made (app, mappers, templates, translations)
    out of the collector's sight for good, and a larger first threshold makes collections
    rarer. Memory stays bounded: reference counting frees almost everything, the collector is
    only for cycles.
    """
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, middle, oldest)
