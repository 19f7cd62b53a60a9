"""Rate limits against guessing and flooding, per client address.

Three limits, each a setting:

- ``RATE_LIMIT_GUESSES``: failed look-ups of a join code, moderator link or projector link
  (every 403 and 404 answer counts, on any page). Past the limit an address gets 429 on every
  page until the window has passed, so join codes and secret links cannot be tried in bulk.
- ``RATE_LIMIT_JOIN``: joins (``POST /j/<code>``). A whole room behind one venue router shares an
  address, so the default is generous; it stops a script filling a workshop with fake people.
- ``RATE_LIMIT_PASSWORD``: wrong admin passwords (``/admin/sign-in`` and ``/new``).

Posting cards has its own limit per participant (``CARD_RATE_LIMIT``, kept in the database).
The counters live in memory for one process, and in Redis when several processes share a
message queue (``RATE_LIMIT_STORAGE``, by default the queue's Redis), so every process counts
the same attempts. If that storage fails, the app keeps serving and counts in memory.
Behind a reverse proxy the client address comes from ``X-Forwarded-For``: set
``PROXY_COUNT`` (docs/deploy.md), or every phone looks like the proxy.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask.wrappers import Response
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

#: Answers that count as a failed guess.
FAILED = (403, 404)
#: Never limited: the load balancer's health check and the static files every page loads.
EXEMPT = ("main.healthz", "static")


def _failed(response: Response) -> bool:
    return response.status_code in FAILED


def _exempt() -> bool:
    return request.endpoint in EXEMPT


def _wrong_password(response: Response) -> bool:
    return response.status_code == 403


def _setting(name: str):
    return lambda: current_app.config[name]


limiter = Limiter(
    key_func=get_remote_address,
    application_limits=[_setting("RATE_LIMIT_GUESSES")],
    application_limits_deduct_when=_failed,
    application_limits_exempt_when=_exempt,
)

#: For ``POST /j/<code>``.
limit_joins = limiter.limit(_setting("RATE_LIMIT_JOIN"), methods=["POST"])
#: For the forms that take the admin password; only wrong passwords count.
limit_passwords = limiter.limit(
    _setting("RATE_LIMIT_PASSWORD"), methods=["POST"], deduct_when=_wrong_password
)


def storage_uri(config: dict) -> str:
    """Where the counters live: the setting, else the message queue's Redis, else memory."""
    if config.get("RATE_LIMIT_STORAGE"):
        return config["RATE_LIMIT_STORAGE"]
    queue = config.get("SOCKETIO_MESSAGE_QUEUE") or ""
    return queue if queue.startswith(("redis://", "rediss://")) else "memory://"


def init_app(app: Flask) -> None:
    app.config.update(
        RATELIMIT_ENABLED=app.config["RATE_LIMITS"],
        RATELIMIT_STORAGE_URI=storage_uri(app.config),
        RATELIMIT_STRATEGY="moving-window",
        RATELIMIT_KEY_PREFIX="workshop",
        RATELIMIT_HEADERS_ENABLED=True,
        # A storage failure (Redis away) must not take the app down: count in memory meanwhile.
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
    )
    limiter.init_app(app)
