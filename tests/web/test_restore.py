"""Restoring a backup from the browser: the upload form, its limits and its protections."""

from __future__ import annotations

import io
import json
import re

import pytest
from helpers import csrf_of, dispose
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from workshop import create_app
from workshop.exports.backup import build_backup, dumps
from workshop.models import Card, Workshop
from workshop.services import cards as card_service
from workshop.services.participants import join_workshop
from workshop.services.workshops import set_phase
from workshop.web.restore import MAX_BACKUP_BYTES


@pytest.fixture
def backup_file(db, make_workshop) -> bytes:
    """The backup of a workshop with one participant's card, as downloaded."""
    workshop, _ = make_workshop(title="Klausur <2026> 🎓")
    set_phase(db, workshop, "collect")
    person, _ = join_workshop(db, workshop, "", "Agentur für Arbeit")
    field, kind = workshop.fields[0], workshop.kinds[0]
    card_service.post_card(db, workshop, person, field.id, kind.id, "=cmd|' /C calc'!A0")
    db.commit()
    return dumps(build_backup(db, workshop)).encode()


@pytest.fixture
def english(client):
    """Messages in English: the German catalog gets the new strings at the end."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def upload(client, content: bytes, **fields):
    """Post the form as a browser does; the body is built here, so a large one stays in memory
    (the test client would spool it to a temporary file that is never closed)."""
    values = {
        "csrf_token": csrf_of(client, "/restore"),
        "backup": FileStorage(io.BytesIO(content), "backup.json", content_type="application/json"),
        **fields,
    }
    boundary, body = encode_multipart(values)
    return client.post(
        "/restore", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def count(db, model) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def test_new_workshop_page_links_to_the_restore(client):
    assert 'href="/restore"' in client.get("/new").get_data(as_text=True)


def test_upload_restores_a_new_workshop_and_shows_its_links_once(client, db, backup_file):
    response = upload(client, backup_file)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    link = re.search(r'id="moderator-link"[^>]*value="([^"]+)"', page).group(1)
    restored = db.scalars(select(Workshop).order_by(Workshop.id)).all()[-1]
    assert count(db, Workshop) == 2 and restored.title == "Klausur <2026> 🎓"
    assert "Klausur &lt;2026&gt; 🎓" in page
    assert db.scalar(select(Card.text).where(Card.workshop_id == restored.id)) == (
        "=cmd|' /C calc'!A0"
    )
    # The uploader moderates right away; the link works in another browser too.
    assert client.get(f"/w/{restored.join_code}/moderate").status_code == 200
    token = link.rsplit("/m/", 1)[1]
    assert token not in client.get(f"/w/{restored.join_code}/moderate").get_data(as_text=True)


def test_a_file_larger_than_other_requests_may_be_is_accepted(client, db, backup_file):
    # Whitespace keeps it valid JSON; 300 KB is over the app-wide 256 KB cap.
    padded = backup_file + b" " * (300 * 1024)
    assert upload(client, padded).status_code == 200
    assert count(db, Workshop) == 2
    # Only this route takes the larger body.
    token = csrf_of(client, "/new")
    big = client.post("/new", data={"csrf_token": token, "title": "x" * (300 * 1024)})
    assert big.status_code == 413


def test_too_large_file_is_refused_with_a_clear_message(english, db, backup_file):
    response = upload(english, backup_file + b" " * MAX_BACKUP_BYTES)
    assert response.status_code == 413
    assert "The file is too large (at most 16 MB)." in response.get_data(as_text=True)
    assert count(db, Workshop) == 1


@pytest.mark.parametrize(
    "content, message",
    [
        (b"%PDF-1.7 not a backup", "it cannot be read as JSON"),
        (b'{"format": "workshop-backup", "version": 2}', "format version 2"),
        (b"[]", "This file is not a workshop backup."),
    ],
    ids=["not JSON", "newer version", "not a backup"],
)
def test_bad_file_is_explained_and_creates_nothing(english, db, backup_file, content, message):
    response = upload(english, content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(db, Workshop) == 1


def test_bad_value_names_its_place_and_creates_nothing(english, db, backup_file):
    data = json.loads(backup_file)
    data["workshop"]["cards"][0]["text"] = "x" * 501
    response = upload(english, json.dumps(data).encode())
    assert response.status_code == 400
    assert "The text at workshop.cards[0].text is too long (at most 500 characters)." in (
        response.get_data(as_text=True)
    )
    assert count(db, Workshop) == 1


def test_no_file_chosen(english, db):
    response = english.post(
        "/restore",
        data={"csrf_token": csrf_of(english, "/restore")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Please choose a backup file." in response.get_data(as_text=True)


def test_missing_csrf_token_is_refused(client, db, backup_file):
    response = client.post(
        "/restore",
        data={"backup": (io.BytesIO(backup_file), "backup.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert count(db, Workshop) == 1


def test_admin_password_protects_the_restore(app_config, tmp_path, db, backup_file):
    app = create_app({**app_config, "ADMIN_PASSWORD": "geheim"}, str(tmp_path / "i2"))
    client = app.test_client()
    assert 'name="admin_password"' in client.get("/restore").get_data(as_text=True)
    response = upload(client, backup_file, admin_password="falsch")
    assert response.status_code == 403
    assert "Das Passwort ist falsch." in response.get_data(as_text=True)
    assert count(db, Workshop) == 1
    assert upload(client, backup_file, admin_password="geheim").status_code == 200
    assert count(db, Workshop) == 2
    dispose(app)
