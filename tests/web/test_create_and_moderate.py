"""Creating a workshop, the moderator link, setup and printable material over HTTP."""

import re

import pytest
from helpers import csrf_of

from workshop.models import Workshop


def create(client, **fields):
    data = {
        "csrf_token": csrf_of(client, "/new"),
        "title": "Strategieklausur KAoA",
        "event_date": "2026-11-27",
        "place": "Rathaus Bochum",
        "description": "",
        "language": "de",
        "template": "kaoa",
        **fields,
    }
    return client.post("/new", data=data)


def moderator_link(page: str) -> str:
    return re.search(r'id="moderator-link"[^>]*value="([^"]+)"', page).group(1)


def test_creating_a_workshop_shows_the_moderator_link_once(client, db, app):
    response = create(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    link = moderator_link(page)
    token = link.rsplit("/m/", 1)[1]
    workshop = db.query(Workshop).one()
    assert token not in workshop.moderator_token_hash
    assert workshop.fields[0].name == "Studien- und Berufsorientierung"
    # The creator is moderator right away; a stranger with the link becomes co-moderator.
    assert client.get(f"/w/{workshop.join_code}/moderate").status_code == 200
    second = app.test_client()
    assert second.get(f"/m/{token}").status_code == 302
    assert second.get(f"/w/{workshop.join_code}/moderate").status_code == 200
    # The link is never shown again.
    assert token not in client.get(f"/w/{workshop.join_code}/moderate").get_data(as_text=True)


def test_blank_template_and_english(client, db):
    create(client, template="blank", language="en")
    workshop = db.query(Workshop).one()
    assert workshop.fields == [] and workshop.language == "en"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": "   "}, "Dieses Feld darf nicht leer sein."),
        ({"title": "x" * 201}, "Dieser Text ist zu lang (höchstens 200 Zeichen)."),
        ({"event_date": "27.11.2026"}, "Bitte geben Sie ein gültiges Datum ein."),
        ({"language": "fr"}, "Bitte wählen Sie Deutsch oder Englisch."),
        ({"template": "x"}, "Bitte wählen Sie eine Vorlage."),
    ],
)
def test_bad_workshop_input_is_explained_and_creates_nothing(client, db, fields, message):
    response = create(client, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.query(Workshop).count() == 0


def test_a_refused_form_keeps_the_input_and_marks_the_bad_field(client):
    response = create(client, title="Klausur", event_date="27.11.2026", place="Bochum")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'name="event_date" type="date" value="27.11.2026" aria-invalid="true"' in page
    assert 'name="place" maxlength="200" value="Bochum" >' in page  # kept, not marked
    assert 'value="Klausur"' in page


def test_admin_password_protects_creating(app_config, tmp_path):
    from workshop import create_app

    app = create_app({**app_config, "ADMIN_PASSWORD": "geheim"}, str(tmp_path / "i2"))
    client = app.test_client()
    assert 'name="admin_password"' in client.get("/new").get_data(as_text=True)
    response = create(client, admin_password="falsch")
    assert response.status_code == 403
    assert "Das Passwort ist falsch." in response.get_data(as_text=True)
    assert create(client, admin_password="geheim").status_code == 200


def test_post_without_csrf_token_is_refused(client, db):
    response = client.post("/new", data={"title": "X", "template": "kaoa", "language": "de"})
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen." in response.get_data(as_text=True)
    assert db.query(Workshop).count() == 0


def test_wrong_moderator_token_is_explained(client):
    response = client.get("/m/not-a-real-token")
    assert response.status_code == 404
    assert "Dieser Moderationslink ist ungültig" in response.get_data(as_text=True)


def test_moderator_pages_need_the_link(app, make_workshop):
    workshop, _ = make_workshop()
    stranger = app.test_client()
    for path in ("moderate", "moderate/setup", "poster.pdf", "table-cards.pdf", "qr.svg"):
        assert stranger.get(f"/w/{workshop.join_code}/{path}").status_code == 403


def test_rotating_the_link_shows_a_new_one_and_locks_out_the_old(app, moderator_client, db):
    browser, workshop = moderator_client()
    co = app.test_client()
    co.set_cookie("workshop_session", browser.get_cookie("workshop_session").value)
    token = csrf_of(browser, f"/w/{workshop.join_code}/moderate")
    page = browser.post(f"/w/{workshop.join_code}/moderate/rotate", data={"csrf_token": token})
    new_link = moderator_link(page.get_data(as_text=True))
    assert browser.get(f"/w/{workshop.join_code}/moderate").status_code == 200
    assert co.get(f"/w/{workshop.join_code}/moderate").status_code == 403
    assert co.get(new_link.split("localhost", 1)[1]).status_code == 302
    assert co.get(f"/w/{workshop.join_code}/moderate").status_code == 200


def test_projector_link_and_its_rotation(app, moderator_client):
    browser, workshop = moderator_client()
    key = workshop.projector_key
    beamer = app.test_client()
    page = beamer.get(f"/p/{key}")
    assert page.status_code == 200
    assert workshop.join_code in page.get_data(as_text=True)
    assert beamer.get(f"/w/{workshop.join_code}/qr.svg").status_code == 200
    assert beamer.get(f"/w/{workshop.join_code}/moderate").status_code == 403
    token = csrf_of(browser, f"/w/{workshop.join_code}/moderate")
    browser.post(f"/w/{workshop.join_code}/moderate/rotate-projector", data={"csrf_token": token})
    assert app.test_client().get(f"/p/{key}").status_code == 404
    assert beamer.get(f"/w/{workshop.join_code}/qr.svg").status_code == 403


def test_qr_codes_and_printables(moderator_client):
    browser, workshop = moderator_client()
    svg = browser.get(f"/w/{workshop.join_code}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    png = browser.get(f"/w/{workshop.join_code}/qr.png")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    for name in ("poster.pdf", "table-cards.pdf"):
        pdf = browser.get(f"/w/{workshop.join_code}/{name}")
        assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def moderator_page_with(app_config, folder, settings, created=None):
    """The moderator page of an app with extra ``settings``; creates a workshop unless given."""
    from workshop import create_app
    from workshop.services.workshops import WorkshopDetails, create_workshop

    app = create_app({**app_config, **settings}, str(folder))
    if created is None:
        with app.extensions["workshop_db"].sessionmaker() as session:
            created = create_workshop(session, WorkshopDetails(title="K"), "kaoa")
            session.commit()
    workshop, token = created
    browser = app.test_client()
    browser.get(f"/m/{token}")
    return browser.get(f"/w/{workshop.join_code}/moderate").get_data(as_text=True), created


def test_public_url_is_used_in_qr_codes_and_localhost_is_warned(app_config, tmp_path):
    page, created = moderator_page_with(app_config, tmp_path / "a", {})
    assert "Handys können diese Adresse nicht erreichen." in page

    public = {"PUBLIC_URL": "https://klausur.bochum.example/"}
    page, _ = moderator_page_with(app_config, tmp_path / "b", public, created)
    assert "Handys können diese Adresse nicht erreichen." not in page
    assert f"https://klausur.bochum.example/j/{created[0].join_code}" in page
    assert "https://klausur.bochum.example/p/" in page


def test_lan_address_replaces_localhost_in_qr_codes(app_config, tmp_path):
    lan = {"LAN_URL": "http://192.168.178.23:5000"}
    page, (workshop, _) = moderator_page_with(app_config, tmp_path / "c", lan)
    assert f"http://192.168.178.23:5000/j/{workshop.join_code}" in page
    assert "Handys können diese Adresse nicht erreichen." not in page


def test_setup_edits_fields_and_kinds_in_the_lobby(moderator_client, db):
    browser, workshop = moderator_client()
    path = f"/w/{workshop.join_code}/moderate/setup"
    token = csrf_of(browser, path)
    response = browser.post(
        path, data={"csrf_token": token, "action": "add", "what": "field", "name": "Inklusion"}
    )
    assert response.status_code == 302
    db.expire_all()
    fields = db.get(Workshop, workshop.id).fields
    assert fields[-1].name == "Inklusion"
    browser.post(
        path, data={"csrf_token": token, "action": "up", "what": "field", "id": fields[-1].id}
    )
    browser.post(
        path,
        data={
            "csrf_token": token,
            "action": "remove",
            "what": "kind",
            "id": db.get(Workshop, workshop.id).kinds[0].id,
        },
    )
    db.expire_all()
    current = db.get(Workshop, workshop.id)
    assert [f.name for f in current.fields][3] == "Inklusion"
    assert [k.name for k in current.kinds] == ["Herausforderung"]


def test_setup_refuses_bad_input_with_a_message(moderator_client, db):
    browser, workshop = moderator_client()
    path = f"/w/{workshop.join_code}/moderate/setup"
    token = csrf_of(browser, path)
    for data, message in (
        ({"action": "add", "what": "kind", "name": "Erfolg"}, "Dieser Name ist schon vergeben."),
        ({"action": "add", "what": "field", "name": " "}, "Dieses Feld darf nicht leer sein."),
        ({"action": "remove", "what": "field", "id": "x"}, "Die Anfrage war fehlerhaft."),
        ({"action": "explode"}, "Die Anfrage war fehlerhaft."),
    ):
        response = browser.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    db.expire_all()
    assert len(db.get(Workshop, workshop.id).fields) == 4


def test_details_can_be_edited(moderator_client, db):
    browser, workshop = moderator_client()
    path = f"/w/{workshop.join_code}/moderate/setup"
    token = csrf_of(browser, path)
    browser.post(
        path,
        data={
            "csrf_token": token,
            "action": "details",
            "title": "Neu",
            "event_date": "",
            "place": "Bochum",
            "description": "",
            "language": "en",
        },
    )
    db.expire_all()
    changed = db.get(Workshop, workshop.id)
    assert (changed.title, changed.place, changed.language) == ("Neu", "Bochum", "en")
    page = browser.get(path).get_data(as_text=True)  # the form shows what is stored
    assert 'name="title" required maxlength="200" value="Neu"' in page
    assert 'name="place" maxlength="200" value="Bochum"' in page
    assert '<option value="en" selected>' in page
