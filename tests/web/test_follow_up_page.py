"""Preparing the next retreat over HTTP: moderators only, with CSRF (and the admin password when
set); the new workshop's moderator link is shown once."""

import re

from helpers import csrf_of

from workshop import create_app
from workshop.models import Workshop
from workshop.services.workshops import WorkshopDetails, create_workshop


def prepare(browser, workshop, **fields):
    path = f"/w/{workshop.join_code}/moderate/next"
    data = {
        "csrf_token": csrf_of(browser, path),
        "title": "Strategieklausur 2027",
        "event_date": "2027-11-26",
        "place": "Rathaus Bochum",
        "moderation": "Frau Berger",
        "language": "de",
        **fields,
    }
    return browser.post(path, data=data)


def test_moderator_prepares_the_next_retreat_and_gets_its_link_once(moderator_client, db):
    browser, previous = moderator_client()
    control = browser.get(f"/w/{previous.join_code}/moderate").get_data(as_text=True)
    assert f"/w/{previous.join_code}/moderate/next" in control
    form = browser.get(f"/w/{previous.join_code}/moderate/next")
    assert form.status_code == 200
    assert "data-no-goals" in form.get_data(as_text=True)  # no confirmed goal yet
    response = prepare(browser, previous)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    token = re.search(r'id="moderator-link"[^>]*value="[^"]*/m/([^"]+)"', page).group(1)
    created = db.query(Workshop).filter(Workshop.previous_id == previous.id).one()
    assert (created.title, created.place, created.moderation) == (
        "Strategieklausur 2027",
        "Rathaus Bochum",
        "Frau Berger",
    )
    assert str(created.event_date) == "2027-11-26"
    assert [f.name for f in created.fields] == [f.name for f in previous.fields]
    # The browser moderates the new workshop at once; the token is not shown again.
    follow_up_control = browser.get(f"/w/{created.join_code}/moderate")
    assert follow_up_control.status_code == 200
    assert token not in follow_up_control.get_data(as_text=True)


def test_bad_input_is_explained_and_creates_nothing(moderator_client, db):
    browser, previous = moderator_client()
    response = prepare(browser, previous, title=" ")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Dieses Feld darf nicht leer sein." in page
    assert 'name="title" required maxlength="200" value=" " aria-invalid="true"' in page
    assert 'name="description"' not in page  # the next retreat starts without one
    assert db.query(Workshop).count() == 1


def test_only_moderators_prepare_and_only_with_a_csrf_token(app, moderator_client, db):
    browser, previous = moderator_client()
    stranger = app.test_client()
    path = f"/w/{previous.join_code}/moderate/next"
    assert stranger.get(path).status_code == 403
    assert browser.post(path, data={"title": "Ohne Token"}).status_code == 400
    assert db.query(Workshop).count() == 1


def test_admin_password_is_asked_when_set(app_config, tmp_path):
    app = create_app({**app_config, "ADMIN_PASSWORD": "geheim"}, str(tmp_path / "i2"))
    with app.extensions["workshop_db"].sessionmaker() as db:
        previous, token = create_workshop(db, WorkshopDetails(title="Klausur 2026"))
        db.commit()
        browser = app.test_client()
        browser.get(f"/m/{token}")
        path = f"/w/{previous.join_code}/moderate/next"
        assert 'name="admin_password"' in browser.get(path).get_data(as_text=True)
        wrong = prepare(browser, previous, admin_password="falsch")
        assert wrong.status_code == 403
        assert "Das Passwort ist falsch." in wrong.get_data(as_text=True)
        assert prepare(browser, previous, admin_password="geheim").status_code == 200
        assert db.query(Workshop).count() == 2
