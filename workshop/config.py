"""Settings: safe defaults, then the environment, then an explicit mapping (tests, run.py)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from limits import parse_many

ASYNC_MODES = ("eventlet", "gevent", "threading")
#: What deploy/env.example writes where a secret belongs.
PLACEHOLDER = "CHANGE-ME"

#: Every setting the app reads, its default and a one-line meaning (the README table mirrors it).
DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # None: SQLite file in the instance folder
    "SECRET_KEY": None,  # None: generated once and kept in the instance folder
    "PUBLIC_URL": None,  # base URL used in QR codes; None: detected LAN address
    "ADMIN_PASSWORD": None,  # when set, creating a workshop asks for it
    "SOCKETIO_MESSAGE_QUEUE": None,  # redis://… to share rooms between processes
    "ASYNC_MODE": "eventlet",
    "HOST": "0.0.0.0",
    "PORT": 5000,
    "AUTO_MIGRATE": True,
    "MAX_PAYLOAD_BYTES": 16_384,
    "SESSION_COOKIE_SECURE": False,
    "CARD_RATE_LIMIT": "10/60",  # at most 10 cards per participant per 60 seconds
    "RETENTION_DAYS": 0,  # delete workshops closed this many days ago (python -m workshop purge)
    "RATE_LIMITS": True,  # false only for load tests from one address
    "RATE_LIMIT_GUESSES": "30/minute;300/hour",  # failed code or link look-ups per address
    "RATE_LIMIT_JOIN": "120/minute",  # joins per address (a venue router is one address)
    "RATE_LIMIT_PASSWORD": "10/minute;50/hour",  # wrong admin passwords per address
    "RATE_LIMIT_STORAGE": None,  # None: the message queue's Redis, else memory
    "PROXY_COUNT": 0,  # reverse proxies in front whose X-Forwarded-* headers are trusted
    "METRICS": False,  # serve /metrics in the Prometheus format (keep it off the internet)
}

#: Settings that are read from the environment, with their type.
_ENV_TYPES: dict[str, type] = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "PUBLIC_URL": str,
    "ADMIN_PASSWORD": str,
    "SOCKETIO_MESSAGE_QUEUE": str,
    "ASYNC_MODE": str,
    "HOST": str,
    "PORT": int,
    "AUTO_MIGRATE": bool,
    "MAX_PAYLOAD_BYTES": int,
    "SESSION_COOKIE_SECURE": bool,
    "CARD_RATE_LIMIT": str,
    "RETENTION_DAYS": int,
    "RATE_LIMITS": bool,
    "RATE_LIMIT_GUESSES": str,
    "RATE_LIMIT_JOIN": str,
    "RATE_LIMIT_PASSWORD": str,
    "RATE_LIMIT_STORAGE": str,
    "PROXY_COUNT": int,
    "METRICS": bool,
}


class ConfigError(ValueError):
    """A setting has a value the app cannot start with; the message names the setting."""


def _parse(name: str, raw: str, kind: type) -> Any:
    if kind is bool:
        value = raw.strip().lower()
        if value in ("1", "true", "yes", "on"):
            return True
        if value in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name} must be true or false, not {raw!r}")
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    return raw


def load_config(instance_path: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Build the settings: defaults, then environment, then ``overrides``; validate them."""
    config: dict[str, Any] = dict(DEFAULTS)
    for name, kind in _ENV_TYPES.items():
        raw = os.environ.get(name)
        if raw is not None and raw != "":
            config[name] = _parse(name, raw, kind)
    if overrides:
        config.update(overrides)

    if config["ASYNC_MODE"] not in ASYNC_MODES:
        raise ConfigError(f"ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}")
    if not (0 < int(config["PORT"]) < 65536):
        raise ConfigError("PORT must be between 1 and 65535")
    public_url = config.get("PUBLIC_URL")
    if public_url:
        if not public_url.startswith(("http://", "https://")):
            raise ConfigError("PUBLIC_URL must start with http:// or https://")
        config["PUBLIC_URL"] = public_url.rstrip("/")
    queue = config.get("SOCKETIO_MESSAGE_QUEUE")
    if queue and not queue.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("SOCKETIO_MESSAGE_QUEUE must be a redis:// URL")

    count, _, seconds = str(config["CARD_RATE_LIMIT"]).partition("/")
    if not (count.isdigit() and seconds.isdigit() and int(count) > 0 and int(seconds) > 0):
        raise ConfigError("CARD_RATE_LIMIT must look like 10/60 (cards per seconds)")
    retention = config["RETENTION_DAYS"]
    if isinstance(retention, bool) or not isinstance(retention, int) or retention < 0:
        raise ConfigError("RETENTION_DAYS must be a whole number of days (0 switches it off)")

    for name in ("SECRET_KEY", "ADMIN_PASSWORD", "DATABASE_URL"):
        # deploy/env.example marks what must be filled in; never serve with the placeholder.
        if PLACEHOLDER in str(config.get(name) or ""):
            raise ConfigError(f"{name} still has the example value {PLACEHOLDER}: set your own")
    for name in ("RATE_LIMIT_GUESSES", "RATE_LIMIT_JOIN", "RATE_LIMIT_PASSWORD"):
        try:
            parse_many(str(config[name]))
        except ValueError:
            raise ConfigError(f"{name} must look like 30/minute or 30/minute;300/hour") from None
    storage = config.get("RATE_LIMIT_STORAGE")
    if storage and not storage.startswith(("memory://", "redis://", "rediss://")):
        raise ConfigError("RATE_LIMIT_STORAGE must be memory:// or a redis:// URL")
    proxies = config["PROXY_COUNT"]
    if isinstance(proxies, bool) or not isinstance(proxies, int) or not 0 <= proxies <= 5:
        raise ConfigError("PROXY_COUNT must be a whole number from 0 to 5")
    if (
        public_url
        and public_url.startswith("https://")
        and "SESSION_COOKIE_SECURE" not in (overrides or {})
        and not os.environ.get("SESSION_COOKIE_SECURE")
    ):
        # Served over TLS: the cookie that says who someone is never travels unencrypted.
        config["SESSION_COOKIE_SECURE"] = True

    Path(instance_path).mkdir(parents=True, exist_ok=True)
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{Path(instance_path) / 'workshop.sqlite3'}"
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _instance_secret(Path(instance_path) / "secret_key")
    return config


def _instance_secret(path: Path) -> str:
    """Return the secret kept in the instance folder, creating it on first start."""
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    # Write with owner-only permissions: the key signs every participant cookie.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
