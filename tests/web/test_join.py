"""Joining by phone: the QR link, the typed code, the cookie identity, closed workshops."""

from helpers import csrf_of, join_as_participant

from workshop.models import Participant
from workshop.services.workshops import set_phase


def test_join_anonymously_and_stay_the_same_participant(app, make_workshop, db):
    workshop, _ = make_workshop()
    phone = join_as_participant(app, workshop)
    page = phone.get(f"/w/{workshop.join_code}")
    assert page.status_code == 200
    assert workshop.title in page.get_data(as_text=True)
    # Reloading or scanning again keeps the same participant.
    assert phone.get(f"/j/{workshop.join_code}").status_code == 302
    assert db.query(Participant).count() == 1


def test_identity_cookie_is_signed_httponly_and_samesite(app, make_workshop):
    workshop, _ = make_workshop()
    phone = app.test_client()
    token = csrf_of(phone, f"/j/{workshop.join_code}")
    response = phone.post(f"/j/{workshop.join_code}", data={"csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie


def test_forged_cookie_is_not_a_participant(app, make_workshop):
    workshop, _ = make_workshop()
    phone = app.test_client()
    phone.set_cookie("workshop_session", "eyJwIjp7IjEiOjF9fQ.forged.signature")
    assert phone.get(f"/w/{workshop.join_code}").status_code == 302


def test_typed_code_opens_the_join_page(app, make_workshop):
    workshop, _ = make_workshop()
    phone = app.test_client()
    token = csrf_of(phone, "/")
    typed = f" {workshop.join_code[:3].lower()}-{workshop.join_code[3:]} "
    response = phone.post("/", data={"csrf_token": token, "code": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/j/{workshop.join_code}")


def test_unknown_code_is_explained(app, make_workshop):
    make_workshop()
    phone = app.test_client()
    token = csrf_of(phone, "/")
    response = phone.post("/", data={"csrf_token": token, "code": "ZZZZZZ"})
    assert response.status_code == 404
    assert "Zu diesem Code gibt es keinen Workshop." in response.get_data(as_text=True)
    assert phone.get("/j/ZZZZZZ").status_code == 404


def test_name_and_organisation_are_optional_and_cleaned(app, make_workshop, db):
    workshop, _ = make_workshop()
    join_as_participant(app, workshop, name="  Anna <b>K</b> ", organisation="IHK\u200b")
    person = db.query(Participant).one()
    assert (person.display_name, person.organisation) == ("Anna <b>K</b>", "IHK")


def test_too_long_name_is_refused(app, make_workshop, db):
    workshop, _ = make_workshop()
    phone = app.test_client()
    token = csrf_of(phone, f"/j/{workshop.join_code}")
    response = phone.post(
        f"/j/{workshop.join_code}", data={"csrf_token": token, "display_name": "x" * 61}
    )
    assert response.status_code == 400
    assert "höchstens 60 Zeichen" in response.get_data(as_text=True)
    assert db.query(Participant).count() == 0


def test_names_are_escaped_in_pages(app, make_workshop):
    workshop, _ = make_workshop()
    phone = join_as_participant(app, workshop, name="<script>alert(1)</script>")
    page = phone.get(f"/w/{workshop.join_code}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_closed_workshop_refuses_new_phones_but_keeps_its_participants(app, make_workshop, db):
    workshop, _ = make_workshop()
    phone = join_as_participant(app, workshop)
    set_phase(db, db.merge(workshop), "closed")
    db.commit()
    newcomer = app.test_client()
    response = newcomer.get(f"/j/{workshop.join_code}")
    assert response.status_code == 409
    assert "Dieser Workshop ist abgeschlossen." in response.get_data(as_text=True)
    token = csrf_of(newcomer, "/")
    assert newcomer.post(f"/j/{workshop.join_code}", data={"csrf_token": token}).status_code == 409
    assert phone.get(f"/w/{workshop.join_code}").status_code == 200
    assert db.query(Participant).count() == 1


def test_english_workshop_speaks_english_and_the_choice_sticks(app, make_workshop):
    workshop, _ = make_workshop(language="en")
    phone = app.test_client()
    assert "Join now" in phone.get(f"/j/{workshop.join_code}").get_data(as_text=True)
    token = csrf_of(phone, "/")
    phone.post("/lang", data={"csrf_token": token, "lang": "de", "next": "/"})
    assert "Jetzt teilnehmen" in phone.get(f"/j/{workshop.join_code}").get_data(as_text=True)


def test_language_switch_never_redirects_elsewhere(client):
    token = csrf_of(client, "/")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/lang", data={"csrf_token": token, "lang": "en", "next": target})
        assert response.headers["Location"] == "/"
