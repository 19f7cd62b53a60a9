"""Pages speak their workshop's language, string by string, and the cookie stays quiet.

Templates look the translations up once per page (``i18n.install_page_translations``): these
tests make sure that no page borrows another page's language, that macros and plural forms
are translated too, and that a page costs a phone no cookie it already has.
"""

from __future__ import annotations

from helpers import csrf_of, join_as_participant


def test_pages_in_two_languages_one_after_the_other_never_mix(app, make_workshop):
    german, _ = make_workshop()
    english, _ = make_workshop(language="en")
    de_phone = join_as_participant(app, german)
    en_phone = join_as_participant(app, english)
    for _ in range(3):
        de = de_phone.get(f"/w/{german.join_code}").get_data(as_text=True)
        en = en_phone.get(f"/w/{english.join_code}").get_data(as_text=True)
        assert "Priorisieren Sie die strategischen Ziele." in de
        assert "Prioritise the strategic goals." in en
        assert "Prioritise the strategic goals." not in de
        # The traffic-light words come from a macro imported without the page's context.
        assert 'data-light-green="Läuft gut / erreicht"' in de
        assert 'data-light-green="Going well / reached"' in en
        # Strings with placeholders keep them for the script, in each language.
        assert "{done} von {total} Zielen bewertet" in de
        assert "{done} of {total} goals rated" in en


def test_the_cookie_comes_when_it_changes_not_with_every_page(app, make_workshop):
    workshop, _ = make_workshop()
    phone = app.test_client()
    form = phone.get(f"/j/{workshop.join_code}")
    assert "workshop_session=" in form.headers.get("Set-Cookie", "")  # the CSRF token
    token = csrf_of(phone, f"/j/{workshop.join_code}")
    joined = phone.post(
        f"/j/{workshop.join_code}", data={"csrf_token": token, "display_name": "Anna"}
    )
    granted = joined.headers.get("Set-Cookie", "")
    assert "workshop_session=" in granted and "Expires=" in granted  # kept for 14 days
    for _ in range(2):
        page = phone.get(f"/w/{workshop.join_code}")
        assert page.status_code == 200 and "Anna" in page.get_data(as_text=True)
        assert "Set-Cookie" not in page.headers
    token = csrf_of(phone, "/")
    switched = phone.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/"})
    assert "workshop_session=" in switched.headers.get("Set-Cookie", "")
    page = phone.get(f"/w/{workshop.join_code}").get_data(as_text=True)
    assert "Prioritise the strategic goals." in page
