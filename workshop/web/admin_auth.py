"""The coordination office's sign-in: one shared ADMIN_PASSWORD, remembered in the session.

The flag lives in Flask's signed, HttpOnly session cookie, like the moderator grants; it carries
a fingerprint of the password, so changing ADMIN_PASSWORD signs every admin browser out.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request, session

SESSION_KEY = "admin"


def admin_password() -> str | None:
    """The configured password, or None when the overview is switched off."""
    return current_app.config.get("ADMIN_PASSWORD") or None


def _fingerprint(password: str) -> str:
    # Keyed with the app's secret: the cookie is signed, not encrypted, so it must not carry
    # anything a reader could test password guesses against offline.
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"admin:" + password.encode(), hashlib.sha256).hexdigest()


def password_matches(given: str) -> bool:
    """Whether ``given`` is the admin password (constant-time; False when none is set)."""
    password = admin_password()
    if password is None:
        return False
    return hmac.compare_digest(given.encode(), password.encode())


def form_password_ok() -> bool:
    """Creating or restoring a workshop: the form's ``admin_password`` matches, or none is set.

    A wrong one is answered with 403, which the password rate limit counts (web/limits.py).
    """
    if admin_password() is None:
        return True
    return password_matches(request.form.get("admin_password", ""))


def is_admin() -> bool:
    """Whether this browser signed in with the current admin password."""
    password = admin_password()
    flag = session.get(SESSION_KEY)
    if password is None or not isinstance(flag, str):
        return False
    return hmac.compare_digest(flag, _fingerprint(password))


def sign_in_admin() -> None:
    """Remember in the session that this browser gave the admin password (check it first)."""
    password = admin_password()
    if password is None:
        raise RuntimeError("ADMIN_PASSWORD is not set")
    session[SESSION_KEY] = _fingerprint(password)
    session.permanent = True


def sign_out_admin() -> None:
    """Forget the admin sign-in of this browser (moderator and participant grants stay)."""
    session.pop(SESSION_KEY, None)
