"""Connecting: who may join which room, and what each role receives."""

from helpers import join_as_participant, settle, socket_for

from workshop.extensions import socketio


def received(client, name=None):
    events = client.get_received()
    return [e for e in events if name is None or e["name"] == name]


def test_every_role_gets_a_snapshot_filtered_for_it(app, moderator_client):
    browser, workshop = moderator_client()
    moderator = socket_for(app, browser, workshop, "moderator")
    phone_http = join_as_participant(app, workshop, name="Anna")
    phone = socket_for(app, phone_http, workshop, "participant")
    projector = socket_for(app, browser, workshop, "projector")

    mod_snapshot = received(moderator, "snapshot")[0]["args"][0]
    phone_snapshot = received(phone, "snapshot")[0]["args"][0]
    proj_snapshot = received(projector, "snapshot")[0]["args"][0]
    assert mod_snapshot["role"] == "moderator"
    assert mod_snapshot["workshop"]["phase"] == "lobby"
    assert phone_snapshot["me"]["display_name"] == "Anna"
    assert "presence" not in phone_snapshot
    assert proj_snapshot["presence"] == {"joined": 1, "connected": 1, "done": 0}
    assert "me" not in proj_snapshot and "me" not in mod_snapshot
    assert phone_snapshot["workshop"]["join_url"].endswith(f"/j/{workshop.join_code}")


def test_connection_without_rights_is_refused(app, make_workshop):
    workshop, _ = make_workshop()
    stranger = app.test_client()
    for role in ("moderator", "projector", "participant"):
        client = socket_for(app, stranger, workshop, role)
        assert not client.is_connected()


def test_participant_of_one_workshop_cannot_connect_to_another(app, make_workshop):
    first, _ = make_workshop(title="Eins")
    second, _ = make_workshop(title="Zwei")
    phone_http = join_as_participant(app, first)
    assert socket_for(app, phone_http, first, "participant").is_connected()
    assert not socket_for(app, phone_http, second, "participant").is_connected()


def test_malformed_auth_is_refused(app, moderator_client):
    browser, workshop = moderator_client()
    for auth in (
        None,
        "x",
        {"workshop": "1", "role": "moderator"},
        {"workshop": workshop.id, "role": "admin"},
        {"workshop": 99999, "role": "moderator"},
        {"workshop": True, "role": "moderator"},
    ):
        client = socketio.test_client(app, flask_test_client=browser, auth=auth)
        assert not client.is_connected()


def test_presence_follows_phones_connecting_and_leaving(app, moderator_client):
    browser, workshop = moderator_client()
    projector = socket_for(app, browser, workshop, "projector")
    received(projector)
    phone = socket_for(app, join_as_participant(app, workshop), workshop, "participant")
    settle()
    assert received(projector, "presence.changed")[-1]["args"][0] == {
        "joined": 1,
        "connected": 1,
        "done": 0,
    }
    phone.disconnect()
    settle()
    assert received(projector, "presence.changed")[-1]["args"][0] == {
        "joined": 1,
        "connected": 0,
        "done": 0,
    }


def test_rotated_moderator_link_locks_out_connected_co_moderator(app, moderator_client, db):
    from helpers import csrf_of

    browser, workshop = moderator_client()
    co_browser = app.test_client()
    # The co-moderator had the same link earlier: copy the cookie grant by opening it.
    co_browser.set_cookie("workshop_session", browser.get_cookie("workshop_session").value)
    co = socket_for(app, co_browser, workshop, "moderator")
    assert co.is_connected()
    token = csrf_of(browser, f"/w/{workshop.join_code}/moderate")
    assert (
        browser.post(
            f"/w/{workshop.join_code}/moderate/rotate", data={"csrf_token": token}
        ).status_code
        == 200
    )
    ack = co.emit(
        "phase.set",
        {"id": "cmd-rotated-1", "workshop": workshop.id, "phase": "collect"},
        callback=True,
    )
    assert ack["ok"] is False and ack["error"]["code"] == "session_expired"


def connect_watching(app, phone_http, workshop, engine_event: str):
    """Connect a phone; also the arguments of every ``engine_event`` of the database engine
    that the connect itself fired (not the coalesced pushes, which run in other threads)."""
    import threading

    from sqlalchemy import event

    mine = threading.get_ident()
    seen: list[tuple] = []

    def watch(*args):
        if threading.get_ident() == mine:
            seen.append(args)

    engine = app.extensions["workshop_db"].engine
    event.listen(engine, engine_event, watch)
    try:
        phone = socketio.test_client(
            app, flask_test_client=phone_http, auth={"workshop": workshop.id, "role": "participant"}
        )
    finally:
        event.remove(engine, engine_event, watch)
    assert phone.is_connected()
    assert received(phone, "snapshot")[0]["args"][0]["me"]["display_name"] == "Anna"
    return phone, seen


def test_a_phone_connecting_reads_nothing_twice(app, make_workshop):
    """A room joins at once: each phone's connect reads each row it needs once."""
    from collections import Counter

    workshop, _ = make_workshop()
    phone_http = join_as_participant(app, workshop, name="Anna")
    socket_for(app, phone_http, workshop, "participant").disconnect()  # process row, caches
    settle()
    _, executed = connect_watching(app, phone_http, workshop, "before_cursor_execute")
    # (connection, cursor, statement, parameters, context, executemany)
    statements = Counter(f"{args[2]} {args[3]}" for args in executed)
    assert statements, "the connect read nothing: the listener saw no statement"
    assert [s for s, n in statements.items() if n > 1] == []
    assert sum(statements.values()) <= 8, statements


def test_a_socket_opens_the_session_cookie_once(app, make_workshop, monkeypatch):
    """Each event of a socket runs in a request context on the connect's environment: the
    signed cookie is verified and decoded once for the socket, not again for every vote."""
    from flask.sessions import SecureCookieSessionInterface

    workshop, _ = make_workshop()
    phone_http = join_as_participant(app, workshop, name="Anna")
    opened = []
    original = SecureCookieSessionInterface.open_session

    def counting(self, app_, request):
        opened.append(request.path)
        return original(self, app_, request)

    monkeypatch.setattr(SecureCookieSessionInterface, "open_session", counting)
    phone = socket_for(app, phone_http, workshop, "participant")
    assert phone.is_connected() and len(opened) == 1
    for _ in range(3):
        ack = phone.emit("snapshot.get", {"workshop": workshop.id}, callback=True)
        assert ack["ok"] and ack["data"]["me"]["display_name"] == "Anna"
    assert len(opened) == 1
    # Pages have an environment each: every request still reads the cookie it brings.
    assert phone_http.get(f"/w/{workshop.join_code}").status_code == 200
    assert opened[1:] == [f"/w/{workshop.join_code}"]


def test_a_socket_matches_its_url_once(app, make_workshop, monkeypatch):
    """werkzeug's matcher leaves cyclic garbage on every match; a socket's events all run on
    its connect's environment, so the match made for the first serves the others."""
    from werkzeug.routing import MapAdapter

    workshop, _ = make_workshop()
    phone_http = join_as_participant(app, workshop, name="Anna")
    matched = []
    original = MapAdapter.match

    def counting(self, *args, **kwargs):
        matched.append(self.path_info)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "match", counting)
    phone = socket_for(app, phone_http, workshop, "participant")
    assert phone.is_connected()
    after_connect = len(matched)
    for _ in range(3):
        ack = phone.emit("snapshot.get", {"workshop": workshop.id}, callback=True)
        assert ack["ok"] and ack["data"]["me"]["display_name"] == "Anna"
    assert len(matched) == after_connect
    # Pages have an environment each: each is matched, with its own arguments.
    for code in (workshop.join_code, "NOPE42"):
        response = phone_http.get(f"/w/{code}")
        assert response.status_code == (200 if code == workshop.join_code else 404)
    assert matched[after_connect:] == [f"/w/{workshop.join_code}", "/w/NOPE42"]


def test_a_socket_event_matches_its_url_without_raising(app):
    """Each event runs in a request context on its socket's first request, long-polling or a
    websocket. Its URL must match a rule: a failed match raises and keeps ``NotFound`` with its
    traceback, cyclic garbage on every vote."""
    from flask import request
    from werkzeug.test import EnvironBuilder

    upgrade = {"Upgrade": "websocket", "Connection": "Upgrade"}
    for headers in ({}, upgrade):
        for path in ("/socket.io/", "/socket.io"):  # browsers, and Flask-SocketIO's test client
            environ = EnvironBuilder(path, headers=headers, query_string="EIO=4").get_environ()
            with app.request_context(environ):
                assert request.routing_exception is None, (path, headers)
                assert request.url_rule.endpoint == "socketio"


def test_a_connect_is_one_transaction(app, make_workshop):
    """The connection is recorded and the snapshot read in one transaction: on a database
    server, a second would cost a ping, a BEGIN and a ROLLBACK for every phone."""
    workshop, _ = make_workshop()
    phone_http = join_as_participant(app, workshop, name="Anna")
    settle()
    _, taken = connect_watching(app, phone_http, workshop, "checkout")
    assert len(taken) == 1
