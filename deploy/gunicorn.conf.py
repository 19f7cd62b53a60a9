"""gunicorn settings for one server process of workshop (docs/deploy.md).

Start one instance per port, each with exactly one worker: Socket.IO keeps a connection's state
in the process that accepted it, nginx sends each client to the same instance (sticky), and
the instances share rooms through Redis (SOCKETIO_MESSAGE_QUEUE) and data through PostgreSQL.

    gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:8001

This file imports nothing from the app: the worker patches the standard library for its async
mode first, then loads ``workshop.wsgi:app``.
"""

import os

_WORKERS = {"eventlet": "eventlet", "gevent": "gevent", "threading": "gthread"}

wsgi_app = "workshop.wsgi:app"
worker_class = _WORKERS[os.environ.get("ASYNC_MODE", "eventlet")]
# One worker per instance: more would split one instance's Socket.IO clients between processes.
workers = 1
# Green threads per worker (eventlet/gevent): every open websocket holds one.
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "10000"))
# threading: the threads of the one worker (one per open websocket).
threads = int(os.environ.get("THREADS", "200"))
# Websockets stay open for hours; only a worker that stops answering entirely is restarted.
timeout = 120
graceful_timeout = 30
keepalive = 5
# Secret moderator links are in request paths: no access log, errors only.
accesslog = None
errorlog = "-"
loglevel = "warning"
# nginx on the same machine sets X-Forwarded-*; the app trusts them with PROXY_COUNT=1.
forwarded_allow_ips = "127.0.0.1"
