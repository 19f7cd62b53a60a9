"""The app for gunicorn: ``gunicorn -c deploy/gunicorn.conf.py`` (docs/deploy.md).

gunicorn's eventlet or gevent worker patches the standard library before it imports this
module, as ``run.py`` does for the built-in server; the PostgreSQL driver is made cooperative
here for gevent (eventlet's patching does it itself). The server's settings come from the
environment, exactly as for ``run.py``.
"""

from __future__ import annotations

import os

if os.environ.get("ASYNC_MODE") == "gevent":
    from psycogreen.gevent import patch_psycopg

    patch_psycopg()

from . import create_app
from .cli import calm_garbage_collector, configure_logging

configure_logging()
app = create_app()
calm_garbage_collector()
