"""Security headers, error pages, health check."""

from helpers import csrf_of


def test_strict_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_load_nothing_from_other_hosts(client):
    page = client.get("/").get_data(as_text=True)
    assert "http://" not in page.replace("http://localhost", "")
    assert "https://" not in page


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/does-not-exist")
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht." in response.get_data(as_text=True)


def test_oversized_form_is_refused(client):
    token = csrf_of(client, "/new")
    response = client.post("/new", data={"csrf_token": token, "title": "x" * 300_000})
    assert response.status_code == 413


def test_health_check(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
