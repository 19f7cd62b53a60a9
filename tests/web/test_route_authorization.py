"""Every HTTP route as every role: who may not gets no content of the workshop and changes nothing.

Roles: nobody (a fresh browser), a participant of this workshop and one of another, the
projector, this workshop's moderator and another workshop's, and the admin. Each request
carries the sender's own CSRF token, so what refuses it is the lack of rights, not the token.
"""

from __future__ import annotations

import re

import pytest
from helpers import csrf_of, dispose, fingerprint, join_as_participant

PASSWORD = "geheim-für-tests"

#: Routes anybody may use (joining creates a participant by design; the others change nothing
#: of an existing workshop or need a secret the test does not give).
PUBLIC = {
    "main.index",
    "main.enter_code",
    "main.healthz",
    "main.set_language",
    "main.new_workshop",
    "join.join_form",
    "join.join",
    "moderate.enter",
    "projector.show",
    "restore.form",
    "restore.upload",
    "metrics.expose",
    "socketio",  # Socket.IO's own path: its middleware answers, and checks the socket's rights
    "static",
    "admin.overview",
    "admin.sign_in",
    "admin.sign_out",
}
#: Who may use the other routes (the admin counts as every workshop's moderator).
ALLOWED = {
    "join.participant_page": {"participant"},
    # The join QR code is shown on the beamer too.
    "moderate.qr_svg_file": {"projector", "moderator", "admin"},
    "moderate.qr_png_file": {"projector", "moderator", "admin"},
    "admin.archive": {"admin"},
    "admin.confirm_delete": {"admin"},
    "admin.delete": {"admin"},
    "admin.restore": {"admin"},
}
MODERATORS = {"moderator", "admin"}
ROLES = (
    "nobody",
    "participant",
    "other participant",
    "projector",
    "moderator",
    "other moderator",
    "admin",
)


@pytest.fixture
def app(app_config, tmp_path):
    from workshop import create_app

    app = create_app({**app_config, "ADMIN_PASSWORD": PASSWORD}, str(tmp_path / "routes"))
    yield app
    dispose(app)


@pytest.fixture
def browsers(app, make_workshop):
    """A workshop A with a participant, and a browser per role."""
    a, token_a = make_workshop(title="Klausur A")
    b, token_b = make_workshop(title="Klausur B")
    made = {role: app.test_client() for role in ROLES}
    made["participant"] = join_as_participant(app, a)
    made["other participant"] = join_as_participant(app, b)
    assert made["projector"].get(f"/p/{a.projector_key}").status_code == 200
    made["moderator"].get(f"/m/{token_a}")
    made["other moderator"].get(f"/m/{token_b}")
    admin = made["admin"]
    admin.post(
        "/admin/sign-in",
        data={"csrf_token": csrf_of(admin, "/admin/"), "admin_password": PASSWORD},
    )
    return a, made


def url_for_rule(rule, workshop) -> str:
    values = {
        "code": workshop.join_code,
        "workshop_id": str(workshop.id),
        "token": "not-the-token",
        "key": "not-the-key",
        "filename": "css/app.css",
        "ending": "docx",
        "kind": "docx",
        "number": "1",
    }
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], rule.rule)


def allowed(endpoint: str) -> set[str]:
    if endpoint in PUBLIC:
        return set(ROLES)
    if endpoint in ALLOWED:
        return ALLOWED[endpoint]
    return MODERATORS  # every other route is the moderator's (/w/<code>/moderate…, exports, QR)


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unknown = endpoints - PUBLIC - set(ALLOWED)
    assert all(
        rule.rule.startswith("/w/<code>/")
        for rule in app.url_map.iter_rules()
        if rule.endpoint in unknown
    ), "a route outside /w/<code>/ needs its own line in PUBLIC or ALLOWED"


def test_who_may_not_gets_nothing_and_changes_nothing(app, browsers):
    a, made = browsers
    checked = 0
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = url_for_rule(rule, a)
            for role in ROLES:
                if role in allowed(rule.endpoint):
                    continue
                browser = made[role]
                before = fingerprint(app, a.id)
                if method == "GET":
                    response = browser.get(path)
                else:
                    token = csrf_of(browser, "/")
                    response = browser.post(path, data={"csrf_token": token, "action": "add"})
                status = response.status_code
                assert status in (302, 403, 404), (role, method, path, status)
                if status == 302:
                    # Sent to join or to the start page, never into the workshop.
                    assert "/moderate" not in response.headers["Location"], (role, path)
                assert fingerprint(app, a.id) == before, (role, method, path)
                response.close()
                checked += 1
    assert checked > 100
