"""Server processes as deployed (deploy/): gunicorn instances on a throw-away PostgreSQL
database and the Redis message queue, for the tests of several processes and of the nginx site.
Real servers, real PostgreSQL and Redis (TEST_DATABASE_URL, CI)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from deployed import POSTGRES_URL, REDIS_URL, ROOT, free_port, needs, wait_until_healthy
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from workshop.db import make_engine


@pytest.fixture
def process_database_url():
    """A throw-away PostgreSQL database next to the test database."""
    name = f"workshop_processes_{secrets.token_hex(4)}"
    admin = make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError:
        needs(False, f"needs PostgreSQL at {POSTGRES_URL}")
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def instance_env() -> dict[str, str]:
    """Settings the instances get besides the shared ones (a test module may override it)."""
    return {}


@pytest.fixture
def servers(process_database_url, instance_env, tmp_path):
    """Migrate once, then start two instances as the systemd unit does; their base URLs."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.ConnectionError:
        needs(False, "needs Redis")
    env = {
        **os.environ,
        "DATABASE_URL": process_database_url,
        "SOCKETIO_MESSAGE_QUEUE": REDIS_URL,
        "SECRET_KEY": secrets.token_hex(32),
        "INSTANCE_PATH": str(tmp_path),
        "ASYNC_MODE": "eventlet",
        "PYTHONUNBUFFERED": "1",
        **instance_env,
    }
    subprocess.run([sys.executable, "-m", "workshop", "migrate"], env=env, cwd=ROOT, check=True)
    started = []
    for index in range(2):
        port = free_port()
        with (tmp_path / f"server-{index}.log").open("wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    str(ROOT / "deploy" / "gunicorn.conf.py"),
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                env={**env, "AUTO_MIGRATE": "false"},
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        started.append((process, f"http://127.0.0.1:{port}", tmp_path / f"server-{index}.log"))
    try:
        for process, base, log_path in started:
            wait_until_healthy(process, base, log_path)
        yield [base for _, base, _ in started]
        for _, _, log_path in started:
            assert "Traceback" not in log_path.read_text(errors="replace")
    finally:
        for process, _, _ in started:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
