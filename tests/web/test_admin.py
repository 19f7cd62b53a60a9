"""The coordination office's overview: sign-in, the list, archive, restore, delete."""

from __future__ import annotations

import pytest
from helpers import csrf_of, join_as_participant, socket_for

from workshop.models import Workshop

PASSWORD = "Rathaus-2026-geheim"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "ADMIN_PASSWORD": PASSWORD}


@pytest.fixture
def admin(client):
    """A browser signed in to the overview."""
    token = csrf_of(client, "/admin/")
    response = client.post("/admin/sign-in", data={"csrf_token": token, "admin_password": PASSWORD})
    assert response.status_code == 302
    return client


def post(browser, path: str, **data):
    return browser.post(path, data={"csrf_token": csrf_of(browser, "/"), **data})


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_without_admin_password_the_overview_explains_how_to_switch_it_on(app, client):
    app.config["ADMIN_PASSWORD"] = None
    page = text_of(client.get("/admin/"))
    assert "ADMIN_PASSWORD" in page and 'type="password"' not in page
    token = csrf_of(client, "/")
    response = client.post("/admin/sign-in", data={"csrf_token": token, "admin_password": ""})
    assert response.status_code == 403
    assert client.get("/admin/w/1/delete").status_code == 403


def test_a_wrong_password_is_refused(client, make_workshop):
    make_workshop(title="Klausur Übergang")
    token = csrf_of(client, "/admin/")
    response = client.post("/admin/sign-in", data={"csrf_token": token, "admin_password": "rate"})
    assert response.status_code == 403
    assert "Das Passwort ist falsch." in text_of(response)
    assert "Klausur Übergang" not in text_of(client.get("/admin/"))


def test_sign_in_and_every_action_need_the_csrf_token(admin, make_workshop, client):
    workshop, _ = make_workshop()
    assert admin.post(f"/admin/w/{workshop.id}/archive").status_code == 400
    assert admin.post(f"/admin/w/{workshop.id}/delete").status_code == 400
    stranger = client.application.test_client()
    response = stranger.post("/admin/sign-in", data={"admin_password": PASSWORD})
    assert response.status_code == 400


def test_the_list_shows_every_workshop_with_phase_and_participants(app, admin, make_workshop):
    from datetime import date

    workshop, _ = make_workshop(
        title="Strategieklausur KAoA", event_date=date(2026, 11, 27), place="Rathaus Bochum"
    )
    make_workshop(title="Zweite Klausur")
    for _ in range(3):
        join_as_participant(app, workshop)
    page = text_of(admin.get("/admin/"))
    assert "Strategieklausur KAoA" in page and "Zweite Klausur" in page
    assert "Rathaus Bochum" in page and "27.11.2026" in page and "Ankommen" in page
    row = page.split(f'data-workshop="{workshop.id}"')[1].split("</tr>")[0]
    assert '<td class="number">3</td>' in row
    assert f'href="/w/{workshop.join_code}/moderate"' in row
    assert f'href="/w/{workshop.join_code}/moderate#export"' in row
    # No secrets in the overview.
    assert workshop.projector_key not in page and workshop.moderator_token_hash not in page


def test_archive_and_restore(app, admin, make_workshop, db):
    workshop, _ = make_workshop(title="Klausur 2025")
    wid, code = workshop.id, workshop.join_code
    assert post(admin, f"/admin/w/{wid}/archive").status_code == 302
    db.expire_all()
    assert db.get(Workshop, wid).archived_at is not None
    running, archived = text_of(admin.get("/admin/")).split('id="archived"')
    assert "Klausur 2025" in archived and "Klausur 2025" not in running
    assert app.test_client().get(f"/j/{code}").status_code == 409
    assert post(admin, f"/admin/w/{wid}/restore").status_code == 302
    db.expire_all()
    assert db.get(Workshop, wid).archived_at is None
    assert app.test_client().get(f"/j/{code}").status_code == 200


def test_delete_asks_first_then_removes_everything(app, admin, make_workshop, db):
    workshop, _ = make_workshop(title="Alte Klausur")
    other, _ = make_workshop(title="Neue Klausur")
    wid, code, other_id = workshop.id, workshop.join_code, other.id
    phone = join_as_participant(app, workshop, name="Anna")
    confirm = text_of(admin.get(f"/admin/w/{wid}/delete"))
    assert "Alte Klausur" in confirm and code in confirm
    summary = confirm.split("data-delete-summary>")[1].split("</ul>")[0]
    assert "1 teilnehmende Person mit Name, Organisation und Stimmen" in summary
    db.expire_all()
    assert db.get(Workshop, wid) is not None  # nothing happened yet

    response = post(admin, f"/admin/w/{wid}/delete")
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Workshop, wid) is None
    assert db.get(Workshop, other_id) is not None
    notice, listing = text_of(admin.get("/admin/")).split('id="running"')
    assert "Alte Klausur" in notice and "Alte Klausur" not in listing
    assert "Neue Klausur" in listing
    assert phone.get(f"/w/{code}").status_code == 404


def test_delete_summary_counts_in_plural_forms(app, admin, make_workshop):
    workshop, _ = make_workshop()
    for name in ("Anna", "Ben"):
        join_as_participant(app, workshop, name=name)
    summary = text_of(admin.get(f"/admin/w/{workshop.id}/delete"))
    assert "2 Teilnehmende mit Namen, Organisationen und Stimmen" in summary
    assert "0 Karten mit ihren Unterstützungen" in summary


def test_connected_pages_are_told_when_their_workshop_is_deleted(app, admin, moderator_client):
    browser, workshop = moderator_client()
    moderator = socket_for(app, browser, workshop, "moderator")
    moderator.get_received()
    post(admin, f"/admin/w/{workshop.id}/delete")
    # The push arrives first, then the server closes the socket (the test client keeps both).
    assert not moderator.is_connected()
    told = [e["args"][0] for e in moderator.queue if e["name"] == "workshop.deleted"]
    assert [t["message"] for t in told] in (
        ["Dieser Workshop wurde gelöscht."],  # with the German catalog
        ["This workshop has been deleted."],
    )


def test_the_admin_opens_any_moderator_view(app, admin, make_workshop):
    workshop, _ = make_workshop(title="Fremde Klausur")
    page = admin.get(f"/w/{workshop.join_code}/moderate")
    assert page.status_code == 200 and "Fremde Klausur" in text_of(page)
    socket = socket_for(app, admin, workshop, "moderator")
    assert socket.is_connected()
    names = [e["name"] for e in socket.get_received()]
    assert "snapshot" in names


def test_without_sign_in_there_is_nothing_to_see_or_do(client, make_workshop, db):
    workshop, _ = make_workshop(title="Geheime Klausur")
    page = text_of(client.get("/admin/"))
    assert "Geheime Klausur" not in page and 'type="password"' in page
    assert client.get(f"/admin/w/{workshop.id}/delete").status_code == 403
    for action in ("archive", "restore", "delete"):
        assert post(client, f"/admin/w/{workshop.id}/{action}").status_code == 403
    assert client.get(f"/w/{workshop.join_code}/moderate").status_code == 403
    db.expire_all()
    assert db.get(Workshop, workshop.id).archived_at is None


def test_sign_out_and_a_changed_password_end_the_session(app, admin, make_workshop):
    make_workshop(title="Klausur A")
    assert "Klausur A" in text_of(admin.get("/admin/"))
    app.config["ADMIN_PASSWORD"] = "ein-neues-passwort"
    assert "Klausur A" not in text_of(admin.get("/admin/"))
    app.config["ADMIN_PASSWORD"] = PASSWORD
    assert "Klausur A" in text_of(admin.get("/admin/"))
    assert post(admin, "/admin/sign-out").status_code == 302
    assert "Klausur A" not in text_of(admin.get("/admin/"))


def test_the_start_page_links_to_the_overview(client):
    assert 'href="/admin/"' in text_of(client.get("/"))
