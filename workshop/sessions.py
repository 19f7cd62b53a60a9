"""The signed session cookie, opened once per request environment rather than once per event.

Flask-SocketIO runs every Socket.IO event of a socket in a request context built on the
environment of that socket's connect request, and pushing a request context opens the session:
the cookie's signature is verified and its JSON decoded, for every vote. Flask-SocketIO then
puts its own per-socket copy of the session in place (``manage_session``), made once at
connect, so what was opened is never read. During a voting burst that was about 6 % of the
server's CPU (docs/performance.md). Opened once per environment, a socket's session costs that
once; an HTTP request has an environment of its own, so nothing changes for pages.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

#: Where the opened session waits in the WSGI environment for the socket's next event.
ENVIRON_KEY = "workshop.session"


class OncePerEnvironSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, opened at most once for one WSGI environment."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        environ = request.environ
        opened = environ.get(ENVIRON_KEY)
        if opened is None:
            opened = super().open_session(app, request)
            if opened is not None:
                environ[ENVIRON_KEY] = opened
        return opened
