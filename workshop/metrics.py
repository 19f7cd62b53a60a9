"""Operational figures in the Prometheus text format at ``/metrics`` (``METRICS=true``).

Per process, like the connections they count: several processes are scraped one by one
(docs/deploy.md). Only counts and durations by event name, role and outcome: no workshop, no
card text, nobody's identity. The registry belongs to the app, so two apps in one process
(tests) count apart.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app
from flask.wrappers import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    generate_latest,
)

bp = Blueprint("metrics", __name__)

#: Command durations worth telling apart: an ack within a frame, a tenth, a second.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The app's counters; updated by the command layer, the socket handlers and each request."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.connections = Gauge(
            "workshop_connections",
            "Open Socket.IO connections of this process, by role.",
            ["role"],
            registry=self.registry,
        )
        self.commands = Counter(
            "workshop_commands",
            "Socket.IO commands handled, by event, role and outcome (ok or an error code).",
            ["event", "role", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "workshop_command_seconds",
            "Time from receiving a command to its acknowledgement, by event.",
            ["event"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "workshop_errors",
            "Commands and pages that failed on the server (internal errors and 5xx answers).",
            ["kind"],
            registry=self.registry,
        )
        self.requests = Counter(
            "workshop_http_responses",
            "HTTP answers by status class (2xx, 3xx, 4xx, 5xx).",
            ["status"],
            registry=self.registry,
        )
        # Python's garbage collections by generation: a full one pauses the whole process, and
        # such pauses make the tail of a room voting at once (docs/performance.md).
        GCCollector(registry=self.registry)


def metrics() -> Metrics:
    return current_app.extensions["workshop_metrics"]


def record_command(event: str, role: str, outcome: str, seconds: float) -> None:
    figures = metrics()
    figures.commands.labels(event, role, outcome).inc()
    figures.latency.labels(event).observe(seconds)
    if outcome == "internal_error":
        figures.errors.labels("command").inc()


def connection_opened(role: str) -> None:
    metrics().connections.labels(role).inc()


def connection_closed(role: str) -> None:
    metrics().connections.labels(role).dec()


def _count_response(response: Response) -> Response:
    figures = metrics()
    figures.requests.labels(f"{response.status_code // 100}xx").inc()
    if response.status_code >= 500:
        figures.errors.labels("http").inc()
    return response


@bp.get("/metrics")
def expose():
    """The figures for a Prometheus scrape; 404 unless ``METRICS`` is switched on."""
    if not current_app.config["METRICS"]:
        abort(404)
    body = generate_latest(metrics().registry)
    return Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0])


def init_app(app: Flask) -> None:
    app.extensions["workshop_metrics"] = Metrics()
    app.after_request(_count_response)
    app.register_blueprint(bp)
