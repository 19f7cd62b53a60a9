"""What a socket's events do once per socket rather than once per event.

Flask-SocketIO runs every Socket.IO event of a socket in a request context built on the
environment of that socket's connect request. Pushing a request context opens the session
(the cookie's signature verified, its JSON decoded) and matches the URL, for every vote. Both
depend on nothing but that environment, so their results wait in it for the socket's next
event; an HTTP request has an environment of its own, so nothing changes for pages.

- The session: Flask-SocketIO puts its own per-socket copy in place (``manage_session``),
  made once at connect, so what was opened is never read. During a voting burst that was
  about 6 % of the server's CPU (docs/performance.md).
- The URL match: werkzeug's matcher makes a function that refers to itself for every match,
  six objects of cyclic garbage per event, which only the collector's pauses free.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from flask.ctx import RequestContext
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

#: Where the opened session waits in the WSGI environment for the socket's next event.
ENVIRON_KEY = "workshop.session"
#: Where the URL's rule and arguments wait.
MATCH_KEY = "workshop.url_match"


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


class OncePerEnvironRequestContext(RequestContext):
    """Flask's request context, its URL matched at most once for one WSGI environment (a URL
    that matches no rule is matched again each time, as before)."""

    def match_request(self) -> None:
        request = self.request
        matched = request.environ.get(MATCH_KEY)
        if matched is None:
            super().match_request()
            if request.routing_exception is None:
                request.environ[MATCH_KEY] = (request.url_rule, dict(request.view_args or {}))
            return
        rule, view_args = matched
        # A copy: URL value preprocessors may take arguments out of it.
        request.url_rule, request.view_args = rule, dict(view_args)


class WorkshopFlask(Flask):
    """Flask whose request contexts match a socket's URL once (see the class above)."""

    def request_context(self, environ: dict[str, Any]) -> RequestContext:
        return OncePerEnvironRequestContext(self, environ)
