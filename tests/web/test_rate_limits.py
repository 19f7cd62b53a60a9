"""Rate limits per address: guessing codes and links, joining, wrong admin passwords."""

from __future__ import annotations

import os

import pytest
from helpers import csrf_of, dispose
from sqlalchemy import func, select

from workshop import create_app
from workshop.config import ConfigError, load_config
from workshop.models import Participant

REDIS_URL = os.environ.get("TEST_REDIS_LIMITS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def limited(app_config, tmp_path):
    """Make an app with rate limits on and the given limits."""
    apps = []

    def make(**settings):
        config = {
            **app_config,
            "RATE_LIMITS": True,
            "RATE_LIMIT_GUESSES": "5/minute",
            "RATE_LIMIT_JOIN": "3/minute",
            "RATE_LIMIT_PASSWORD": "2/minute",
            **settings,
        }
        app = create_app(config, instance_path=str(tmp_path / f"instance-{len(apps)}"))
        apps.append(app)
        return app

    yield make
    for app in apps:
        dispose(app)


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_guessing_codes_is_stopped_after_a_few_tries(limited, make_workshop):
    app = limited()
    workshop, _ = make_workshop()
    guesser = from_address(app, "198.51.100.7")
    for n in range(5):
        assert guesser.get(f"/j/ZZZZZ{n}").status_code == 404
    assert guesser.get(f"/p/not-the-key-{n}").status_code == 429
    # Now the address is refused everywhere, a valid code included, with a plain message.
    blocked = guesser.get(f"/j/{workshop.join_code}")
    assert blocked.status_code == 429
    assert "Zu viele Versuche" in blocked.get_data(as_text=True)
    # No link to the start page: it would answer the same until the wait is over.
    assert "Zur Startseite" not in blocked.get_data(as_text=True)
    assert int(blocked.headers["Retry-After"]) > 0
    # The health check and the static files stay reachable; other addresses are not affected.
    assert guesser.get("/healthz").status_code == 200
    with guesser.get("/static/css/app.css") as style:
        assert style.status_code == 200
    other = from_address(app, "198.51.100.8")
    assert other.get(f"/j/{workshop.join_code}").status_code == 200
    # Its wrong code gets the link back to the start page that the blocked address does not.
    unknown = other.get("/j/ZZZZZZ")
    assert unknown.status_code == 404 and "Zur Startseite" in unknown.get_data(as_text=True)


def test_pages_that_work_do_not_count_as_guesses(limited, make_workshop):
    app = limited()
    workshop, _ = make_workshop()
    phone = from_address(app, "198.51.100.9")
    for _ in range(20):
        assert phone.get(f"/j/{workshop.join_code}").status_code == 200


def join(client, workshop):
    token = csrf_of(client, f"/j/{workshop.join_code}")
    return client.post(f"/j/{workshop.join_code}", data={"csrf_token": token})


def test_joining_from_one_address_is_limited_and_a_refused_join_adds_nobody(
    limited, make_workshop, db
):
    app = limited()
    workshop, _ = make_workshop()
    answers = [join(from_address(app, "203.0.113.5"), workshop).status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]
    assert join(from_address(app, "203.0.113.6"), workshop).status_code == 302
    count = db.scalar(select(func.count()).select_from(Participant))
    assert count == 4


def test_wrong_admin_passwords_are_limited_and_right_ones_do_not_count(limited):
    app = limited(ADMIN_PASSWORD="geheim")
    office = from_address(app, "192.0.2.10")

    def sign_in(password):
        token = csrf_of(office, "/admin/")
        return office.post(
            "/admin/sign-in", data={"csrf_token": token, "admin_password": password}
        ).status_code

    assert sign_in("geheim") == 302
    assert sign_in("geheim") == 302
    assert sign_in("falsch") == 403
    assert sign_in("falsch") == 403
    assert sign_in("geheim") == 429  # the right one too, until the window has passed
    assert from_address(app, "192.0.2.11").get("/admin/").status_code == 200


def test_processes_sharing_redis_count_the_same_guesses(limited):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("Redis does not answer")
    first = limited(RATE_LIMIT_STORAGE=REDIS_URL)
    for n in range(5):
        assert from_address(first, "198.51.100.20").get(f"/j/AAAAA{n}").status_code == 404
    # Another process starts with nothing in memory: only Redis knows about the guesses.
    second = limited(RATE_LIMIT_STORAGE=REDIS_URL)
    assert from_address(second, "198.51.100.20").get("/j/CCCCCC").status_code == 429
    assert from_address(second, "198.51.100.21").get("/j/CCCCCC").status_code == 404
    # Without Redis, a fresh process would not know them.
    third = limited()
    assert from_address(third, "198.51.100.20").get("/j/CCCCCC").status_code == 404


def test_the_message_queue_redis_holds_the_counters_by_default(app_config, tmp_path):
    config = load_config(str(tmp_path), {**app_config, "SOCKETIO_MESSAGE_QUEUE": REDIS_URL})
    from workshop.web.limits import storage_uri

    assert storage_uri(config) == REDIS_URL
    assert storage_uri(load_config(str(tmp_path), app_config)) == "memory://"


def test_behind_a_proxy_each_forwarded_address_has_its_own_budget(limited):
    app = limited(PROXY_COUNT=1)
    for client_address in ("203.0.113.30", "203.0.113.31"):
        browser = app.test_client()
        browser.environ_base["HTTP_X_FORWARDED_FOR"] = client_address
        answers = [browser.get(f"/j/QQQQQ{n}").status_code for n in range(6)]
        assert answers == [404] * 5 + [429]


def test_without_a_proxy_a_forged_forwarded_header_does_not_help(limited):
    app = limited()
    answers = []
    for n in range(6):
        browser = from_address(app, "198.51.100.40")
        browser.environ_base["HTTP_X_FORWARDED_FOR"] = f"10.0.0.{n}"
        answers.append(browser.get(f"/j/WWWWW{n}").status_code)
    assert answers == [404] * 5 + [429]


@pytest.mark.parametrize(
    "setting, value",
    [
        ("RATE_LIMIT_GUESSES", "lots"),
        ("RATE_LIMIT_JOIN", "10/60"),
        ("RATE_LIMIT_PASSWORD", ""),
        ("RATE_LIMIT_STORAGE", "memcached://x"),
        ("PROXY_COUNT", -1),
    ],
)
def test_bad_limit_settings_stop_the_start(tmp_path, setting, value):
    if value == "":
        value = " "
    with pytest.raises(ConfigError, match=setting):
        load_config(str(tmp_path), {setting: value})


def test_served_over_tls_the_cookie_is_secure(limited, make_workshop):
    app = limited(PUBLIC_URL="https://klausur.example.org")
    workshop, _ = make_workshop()
    response = join(app.test_client(), workshop)
    assert "Secure" in response.headers["Set-Cookie"]
    plain = limited()
    assert "Secure" not in join(plain.test_client(), workshop).headers["Set-Cookie"]


@pytest.mark.parametrize("setting", ["SECRET_KEY", "ADMIN_PASSWORD", "DATABASE_URL"])
def test_the_example_settings_placeholder_stops_the_start(tmp_path, setting):
    value = (
        "postgresql+psycopg2://workshop:CHANGE-ME@db/workshop"
        if setting == "DATABASE_URL"
        else "CHANGE-ME"
    )
    with pytest.raises(ConfigError, match=setting):
        load_config(str(tmp_path), {setting: value})
