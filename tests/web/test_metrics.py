"""``/metrics``: off by default; when on, counts of connections, commands and answers only."""

from __future__ import annotations

import gc
import re

import pytest
from helpers import cmd, dispose, join_as_participant, socket_for

from workshop import create_app


@pytest.fixture
def metered(app_config, tmp_path):
    app = create_app({**app_config, "METRICS": True}, instance_path=str(tmp_path / "metered"))
    yield app
    dispose(app)


def figure(body: str, name: str, **labels: str) -> float:
    """The value of one sample, e.g. ``figure(body, "workshop_connections", role="moderator")``."""
    for line in body.splitlines():
        match = re.match(rf"{name}\{{(.*)\}} (\S+)$", line)
        if match and all(f'{k}="{v}"' in match.group(1) for k, v in labels.items()):
            return float(match.group(2))
    return 0.0


def test_metrics_are_off_unless_switched_on(client):
    assert client.get("/metrics").status_code == 404


def test_connections_commands_latency_and_answers_are_counted(metered, make_workshop):
    workshop, token = make_workshop()
    moderator_browser = metered.test_client()
    moderator_browser.get(f"/m/{token}")
    moderator = socket_for(metered, moderator_browser, workshop, "moderator")
    phone = socket_for(
        metered,
        join_as_participant(metered, workshop, name="Anna Beispiel"),
        workshop,
        "participant",
    )
    assert moderator.emit("phase.set", cmd(workshop, phase="collect"), callback=True)["ok"]
    secret = "Mehr Praktikumsplätze im Handwerk"
    card = cmd(workshop, field_id=workshop.fields[0].id, kind_id=workshop.kinds[0].id, text=secret)
    assert phone.emit("card.post", card, callback=True)["ok"]
    assert not phone.emit("phase.set", cmd(workshop, phase="vote"), callback=True)["ok"]
    metered.test_client().get("/j/ZZZZZZ")

    body = metered.test_client().get("/metrics").get_data(as_text=True)
    assert figure(body, "workshop_connections", role="participant") == 1
    assert figure(body, "workshop_connections", role="moderator") == 1
    assert figure(body, "workshop_commands_total", event="card.post", outcome="ok") == 1
    assert (
        figure(
            body,
            "workshop_commands_total",
            event="phase.set",
            role="participant",
            outcome="not_allowed",
        )
        == 1
    )
    assert figure(body, "workshop_command_seconds_count", event="card.post") == 1
    assert figure(body, "workshop_http_responses_total", status="4xx") >= 1
    # The process's garbage collections, whose full ones pause every socket at once.
    gc.collect()
    after = metered.test_client().get("/metrics").get_data(as_text=True)
    assert figure(after, "python_gc_collections_total", generation="2") > figure(
        body, "python_gc_collections_total", generation="2"
    )
    # Nothing about the workshop or the people in it.
    for private in (secret, "Anna", workshop.join_code, token, str(workshop.title)):
        assert private not in body

    phone.disconnect()
    body = metered.test_client().get("/metrics").get_data(as_text=True)
    assert figure(body, "workshop_connections", role="participant") == 0
