"""The nginx site of deploy/ in front of two gunicorn instances, as docs/deploy.md sets it up.

The site file is used as shipped, with only what a real set-up changes too put in: the ports,
the certificate (a throw-away one made here), the instances' addresses and the static folder.
Then `nginx -t`, and a moderator and a phone over TLS: the redirect to https, the headers,
cookies only over TLS, static files from nginx itself, /metrics kept off the public site, and
a route of its own for each browser. Last, the real pages in Chromium run a vote through it.

Sockets are driven by Chromium here, not by python-socketio clients: over TLS those lost an
acknowledgement or a connection in about one run of four (the server saw the websocket close
right after a frame from the client). Their websocket library reads and writes one TLS socket
from two threads at once, which OpenSSL does not promise to support: the likely cause, since
Chromium passed every run, under full CPU load too. Needs Debian's nginx, openssl and
chromium (CI has them).
"""

from __future__ import annotations

import getpass
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from deployed import ROOT, free_port, needs
from e2e.e2e_support import LAPTOP, PHONE, PROJECTOR, open_dot_round
from live_clients import create_workshop, join
from playwright.sync_api import expect

SITE = ROOT / "deploy" / "nginx-workshop.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture
def ports() -> dict[str, int]:
    return {"http": free_port(), "https": free_port()}


@pytest.fixture
def instance_env(ports) -> dict[str, str]:
    """As docs/deploy.md: one proxy in front, the public https address known."""
    return {"PROXY_COUNT": "1", "PUBLIC_URL": f"https://127.0.0.1:{ports['https']}"}


@pytest.fixture
def certificate(tmp_path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1; it is its own CA for the clients."""
    needs(shutil.which("openssl") is not None, "needs openssl")
    cert, key = tmp_path / "site.pem", tmp_path / "site.key"
    request = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    request += ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
    request += ["-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(request, check=True, capture_output=True)
    return cert, key


def site_config(ports: dict[str, int], servers: list[str], cert: Path, key: Path) -> str:
    """The shipped site with this machine's ports, certificate, instances and static folder."""
    site = SITE.read_text()
    upstreams = "".join(f"    server {base.removeprefix('http://')};\n" for base in servers)
    replacements = [
        (r"(    server 127\.0\.0\.1:\d+;\n)+", upstreams),
        (r"listen 80;", f"listen 127.0.0.1:{ports['http']};"),
        (r"listen 443 ssl", f"listen 127.0.0.1:{ports['https']} ssl"),
        (r"\s*listen \[::\]:\d+[^;]*;", ""),  # the machine may have no IPv6
        (r"ssl_certificate +\S+;", f"ssl_certificate {cert};"),
        (r"ssl_certificate_key +\S+;", f"ssl_certificate_key {key};"),
        (r"alias /opt/workshop/static/;", f"alias {ROOT / 'static'}/;"),
    ]
    for pattern, value in replacements:
        site, count = re.subn(pattern, value, site)
        assert count, f"the site no longer has {pattern!r}: update this test with deploy.md"
    return site


@pytest.fixture
def site(servers, ports, certificate, tmp_path):
    """nginx with the site in front of the two instances; the public https address."""
    needs(Path(NGINX).exists(), "needs Debian's nginx (apt-get install nginx)")
    cert, key = certificate
    folder = tmp_path / "nginx"
    folder.mkdir()
    (folder / "site.conf").write_text(site_config(ports, servers, cert, key))
    # The main file of Debian's package, reduced to what a test run may write to.
    (folder / "nginx.conf").write_text(
        f"""
daemon off;
# Workers as the test's own user: the checkout may be in a folder only its owner can enter.
# (Ignored with a warning when the test does not run as root.)
user {getpass.getuser()};
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""
    )
    command = [NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(ports["https"], process, folder / "error.log")
        yield f"https://127.0.0.1:{ports['https']}"
    finally:
        process.terminate()
        process.wait(10)


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail("nginx did not listen")


def test_the_site_serves_the_app_over_tls(site, ports, certificate):
    ca = str(certificate[0])
    # Plain http only redirects to https.
    plain = requests.get(f"http://127.0.0.1:{ports['http']}/j/ABC", allow_redirects=False)
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://127.0.0.1")

    browser, _workshop, code = create_workshop(site, verify=ca)
    front = browser.get(f"{site}/")
    assert front.status_code == 200
    assert "max-age=31536000" in front.headers["Strict-Transport-Security"]
    assert "default-src 'self'" in front.headers["Content-Security-Policy"]
    # Cookies only travel over TLS (the app knows it is behind https from PUBLIC_URL).
    assert all(cookie.secure for cookie in browser.cookies)
    # Static files come from nginx, cacheable; the metrics stay inside.
    script = browser.get(f"{site}/static/js/lib/socket.js")
    assert script.status_code == 200 and "public" in script.headers["Cache-Control"]
    assert browser.get(f"{site}/metrics").status_code == 404

    # nginx gives each browser a random route of its own (not its address: one venue's phones
    # share one), and keeps it.
    route = browser.cookies["workshop_route"]
    assert re.fullmatch(r"[0-9a-f]{32}", route)
    phone = join(site, code, verify=ca)
    assert phone.get(f"{site}/j/{code}").status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", phone.cookies["workshop_route"]) and (
        phone.cookies["workshop_route"] != route
    )
    assert browser.get(f"{site}/").status_code == 200 and browser.cookies["workshop_route"] == route


GOALS = ["Praktika im Handwerk", "Eltern früh einbinden"]


@pytest.mark.e2e
def test_browsers_run_a_vote_through_the_site(site, contexts):
    """The real pages over TLS through nginx and two instances: Socket.IO starts with
    long-polling and upgrades (so every request of a browser must reach its own instance),
    and what a phone on one instance does reaches the screens on the other through Redis."""

    def chromium(kind: dict):  # a device of its own that trusts the throw-away certificate
        return contexts({"ignore_https_errors": True, **kind}).new_page()

    moderator = chromium(LAPTOP)
    moderator.goto(f"{site}/new")
    moderator.get_by_label("Titel").fill("Klausur über nginx")
    moderator.get_by_role("button", name="Workshop anlegen").click()
    join_link = moderator.locator("#join-link").input_value()
    projector_link = moderator.locator("#projector-link").input_value()
    assert join_link.startswith(site) and projector_link.startswith(site)
    moderator.get_by_role("link", name="Moderation öffnen").click()
    connected = ("data-state", "connected")
    expect(moderator.locator("[data-connection]")).to_have_attribute(*connected)
    projector = chromium(PROJECTOR)
    projector.goto(projector_link)
    phones = []
    for _ in range(4):
        phone = chromium(PHONE)
        phone.goto(join_link)
        phone.get_by_role("button", name="Jetzt teilnehmen").click()
        expect(phone.locator("[data-connection]")).to_have_attribute(*connected)
        phones.append(phone)
    expect(projector.locator("[data-joined]")).to_have_text("4")

    open_dot_round(moderator, GOALS)
    round_item = moderator.locator(".round-item")

    # Each phone gives the first goal one dot more than the one before: 1 + 2 + 3 + 1.
    for number, phone in enumerate(phones):
        more = phone.get_by_role("button", name=f"Einen Punkt mehr für: {GOALS[0]}")
        for _ in range(number % 3 + 1):
            more.click()
        expect(phone.locator("[data-vote-status]")).to_have_text("Gespeichert")
    count = projector.locator("[data-votes] [data-votes-count]")
    expect(count).to_have_text(re.compile(r"^4 von 4 "))
    expect(phones[0].locator("[data-vote-progress]")).to_have_text("4 von 4 haben abgestimmt")

    round_item.get_by_role("button", name="Schließen").click()
    round_item.get_by_role("button", name="Ergebnis freigeben").click()
    bars = projector.locator("[data-votes] [data-votes-bars] li")
    expect(bars.first.locator(".vote-title")).to_have_text(GOALS[0])
    expect(bars.first.locator(".vote-dots")).to_have_text("7")
    for phone in phones:
        expect(phone.locator("[data-result-list] li").first).to_contain_text("7 Punkte")
