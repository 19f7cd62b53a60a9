"""What the benchmarks share: a server subprocess (``run.py`` or a gunicorn instance as deployed),
joining phones over HTTP, Socket.IO clients, throw-away databases, /proc readings and percentiles.

Used by ``async_modes.py`` and ``voting_load.py``; not a test and not part of the package.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import socketio
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
MODES = ("eventlet", "gevent", "threading")
DEFAULT_POSTGRES_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
COOKIE_NAME = "workshop_session"
#: The production settings of one instance (docs/deploy.md), relative to the checkout.
GUNICORN_CONFIG = Path("deploy") / "gunicorn.conf.py"

SERVER_START_TIMEOUT = 60.0
HTTP_TIMEOUT = 30.0
CONNECT_TIMEOUT = 120.0
DISCONNECT_TIMEOUT = 30.0

CODE_RE = re.compile(r"Demo-Workshop: Code (\S+)")
TOKEN_RE = re.compile(r"/m/(\S+)")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
CONFIG_RE = re.compile(r'<script type="application/json" id="page-config">(.*?)</script>', re.S)
SERVER_ERROR_RE = re.compile(r"Traceback|\bERROR\b|\bCRITICAL\b|Exception")


# --- the server process ---------------------------------------------------------------------


@dataclass
class Server:
    """A running server subprocess and its demo workshop's join code and moderator token."""

    process: subprocess.Popen[bytes]
    log_path: Path
    base: str
    code: str = ""
    token: str = ""
    #: gunicorn's worker, the child that serves; None for ``run.py``, which serves itself.
    worker: int | None = None

    @property
    def pid(self) -> int:
        """The process that serves: the one whose CPU and memory count."""
        return self.worker or self.process.pid


def add_server_options(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark shares: async modes and the database to run on."""
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_POSTGRES_URL,
        help="server to create a throw-away database on (BENCH_DATABASE_URL or the local test "
        "database)",
    )


def add_in_process_options(parser: argparse.ArgumentParser, work: str) -> None:
    """The options of the benchmarks that run the app in their own process (``join_cost``,
    ``vote_batch_cost``): which checkout, and which database to ``work`` in."""
    parser.add_argument(
        "--app-dir", type=Path, default=REPO_ROOT, help="checkout to measure (this one)"
    )
    parser.add_argument(
        "--database-url",
        help=f"an empty database to {work} instead of a new SQLite file (its tables are made)",
    )


def in_process_app(options: argparse.Namespace, name: str) -> Any:
    """The app of ``options.app_dir``, made in this process as a test makes it: threading, no
    heartbeat, no rate limits, on ``options.database_url`` or a new SQLite file. Later imports
    of ``workshop`` come from that checkout too."""
    sys.path.insert(0, str(options.app_dir.resolve()))
    logging.disable(logging.WARNING)
    from workshop import create_app

    folder = tempfile.mkdtemp(prefix=f"{name}-")
    return create_app(
        {
            "DATABASE_URL": options.database_url or f"sqlite:///{folder}/{name}.sqlite3",
            "SECRET_KEY": name,
            "ASYNC_MODE": "threading",
            "HEARTBEAT": False,
            "AUTO_MIGRATE": True,
            "RATE_LIMITS": False,
        },
        instance_path=f"{folder}/instance",
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_env(database_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the server: the database, a throw-away secret, no stray settings."""
    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_URL", "ASYNC_MODE", "PORT")}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_hex(32),
        PYTHONUNBUFFERED="1",
        # Every simulated phone comes from 127.0.0.1: per-address limits would stop the joins.
        RATE_LIMITS="false",
        # /metrics, for the garbage collections (gc_collections); the server is on loopback.
        METRICS="true",
    )
    env.update(extra or {})
    return env


def start_server(
    mode: str,
    database_url: str,
    log_path: Path,
    script: Sequence[str] = ("run.py", "--demo"),
    extra_env: dict[str, str] | None = None,
    cwd: Path = REPO_ROOT,
    port: int | None = None,
) -> Server:
    """Start ``python SCRIPT --host --port --async-mode MODE`` in ``cwd``; output to ``log_path``.

    The default is the real server of this checkout with a demo workshop; ``voting_load.py``
    also starts its floor server and other checkouts (``--app-dir``) this way; ``restart.py``
    starts the server again on the same ``port``.
    """
    port = port or free_port()
    command = [sys.executable, *script, "--host", HOST, "--port", str(port), "--async-mode", mode]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=server_env(database_url, extra_env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return Server(process=process, log_path=log_path, base=f"http://{HOST}:{port}")


def stop_server(server: Server) -> None:
    """Stop the server: Ctrl+C first, then terminate, then kill.

    Ctrl+C is also gunicorn's quick shutdown (SIGTERM would wait for open websockets). Its
    worker, if the arbiter had to be killed, is stopped by its pid too.
    """
    process = server.process
    if process.poll() is None:
        for stop in (lambda: process.send_signal(signal.SIGINT), process.terminate, process.kill):
            stop()
            try:
                process.wait(timeout=10)
                break
            except subprocess.TimeoutExpired:
                continue
    if server.worker:
        _stop_orphan(server.worker)


def _stop_orphan(pid: int) -> None:
    """Kill a gunicorn worker that outlived its arbiter (it normally exits with it)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            if b"gunicorn" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                return  # gone, and the number is not ours any more
        except OSError:
            return
        time.sleep(0.1)
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def prepare_database(env: dict[str, str], cwd: Path = REPO_ROOT) -> tuple[str, str]:
    """Migrate once and create the demo workshop, before any gunicorn instance starts.

    As deployed, ``workshop-migrate.service`` migrates and the instances run with
    AUTO_MIGRATE=false, so no two processes migrate at once. gunicorn has no ``--demo``: the
    demo is made here by what ``run.py --demo`` calls (``workshop.cli.create_demo``), once, in
    the shared database. Returns its join code and moderator token.
    """
    _run_step("migrate", [sys.executable, "-m", "workshop", "migrate"], env, cwd)
    output = _run_step("demo", [sys.executable, "-c", DEMO_SCRIPT], env, cwd)
    code, token = CODE_RE.search(output), TOKEN_RE.search(output)
    if not (code and token):
        raise RuntimeError(f"demo printed no code and link: {output[-300:]!r}")
    return code.group(1), token.group(1)


#: Creates the demo as ``run.py --demo`` does, as a console command would (no heartbeat, no
#: green threads, no migration), and prints it in ``run.py``'s words for CODE_RE and TOKEN_RE.
DEMO_SCRIPT = """
from workshop import create_app
from workshop.cli import create_demo

app = create_app({"HEARTBEAT": False, "ASYNC_MODE": "threading", "AUTO_MIGRATE": False})
code, token = create_demo(app)
print(f"Demo-Workshop: Code {code}")
print(f"/m/{token}")
"""


def _run_step(name: str, command: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run a set-up command to its end; its output, or an error with its last line."""
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=SERVER_START_TIMEOUT,
    )
    if done.returncode != 0:
        last = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()][-1:]
        raise RuntimeError(f"{name} failed ({done.returncode}): {last}")
    return done.stdout


def flush_message_queue(url: str) -> None:
    """Empty the Redis database of the message queue: no pushes of an earlier run linger."""
    import redis  # only the runs with several processes need it ([deploy] installs it)

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.RedisError as error:  # its repr says little ("network:ConnectionError")
        raise RuntimeError(f"message queue {url}: {error}") from error
    finally:
        client.close()


def start_gunicorn(mode: str, env: dict[str, str], log_path: Path, cwd: Path = REPO_ROOT) -> Server:
    """Start one instance as deployed: gunicorn with ``deploy/gunicorn.conf.py`` on a free port.

    The config runs one worker of ``mode``'s class (ASYNC_MODE). ``env`` is the same for every
    instance (:func:`server_env`: one SECRET_KEY, so a cookie is valid on each); the database
    must be migrated already (:func:`prepare_database`).
    """
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", str(cwd / GUNICORN_CONFIG)]
    command += ["--bind", f"{HOST}:{port}"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**env, "ASYNC_MODE": mode, "AUTO_MIGRATE": "false"},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return Server(process=process, log_path=log_path, base=f"http://{HOST}:{port}")


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is ``pid``, from /proc/*/stat.

    /proc/<pid>/task/*/children would be shorter but is missing on some kernels.
    """
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # field 4 of proc(5): the parent
            children.append(int(entry.name))
    return sorted(children)


def read_log(server: Server) -> str:
    return server.log_path.read_text(encoding="utf-8", errors="replace")


def server_errors(server: Server) -> list[str]:
    """Lines of the server output that report an error."""
    return [line for line in read_log(server).splitlines() if SERVER_ERROR_RE.search(line)]


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MiB, from /proc/<pid>/status (0 when unreadable)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(match.group(1)) / 1024 if match else 0.0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of ``pid`` so far, from /proc/<pid>/stat (NaN when unreadable)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return math.nan
    # The command name (field 2) may contain spaces; the fields after it are plain numbers.
    fields = stat.rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine have used so far, from /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return math.nan
    ticks = [int(value) for value in fields]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


async def wait_until_ready(server: Server, session: aiohttp.ClientSession) -> None:
    """Wait for the demo's code and link in the output, then for ``/healthz``."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        _check_running(server)
        output = read_log(server)
        code, token = CODE_RE.search(output), TOKEN_RE.search(output)
        if code and token and await _healthy(server, session):
            server.code, server.token = code.group(1), token.group(1)
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"server not ready after {SERVER_START_TIMEOUT:.0f} s")


async def wait_until_serving(server: Server, session: aiohttp.ClientSession) -> None:
    """Wait for a gunicorn instance's ``/healthz``, then note its worker's pid.

    Only the worker loads the app, so the one answering ``/healthz`` is the one to measure.
    """
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        _check_running(server)
        if await _healthy(server, session):
            workers = child_pids(server.process.pid)
            if len(workers) != 1:
                raise RuntimeError(f"gunicorn runs {len(workers)} workers, not one")
            server.worker = workers[0]
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"gunicorn not serving after {SERVER_START_TIMEOUT:.0f} s")


def _check_running(server: Server) -> None:
    if server.process.poll() is not None:
        last = [line for line in read_log(server).splitlines() if line.strip()][-1:]
        raise RuntimeError(f"server exited early (see --keep-logs): {last}")


GC_RE = re.compile(
    r'^python_gc_(collections|objects_collected)_total\{generation="(\d)"\} (\S+)$', re.M
)


async def gc_collections(servers: Sequence[Server]) -> list[int] | None:
    """Python's garbage collections so far by generation (young, middle, full) and the objects
    in reference cycles they freed, summed over the servers' ``/metrics``; None where a server
    has none (the floor, an older version)."""
    counts = [0, 0, 0, 0]
    async with new_http_session() as session:
        for server in servers:
            try:
                async with session.get(f"{server.base}/metrics") as response:
                    text = await response.text() if response.status == 200 else ""
            except aiohttp.ClientError:
                text = ""
            found = GC_RE.findall(text)
            if len(found) != 6:
                return None
            for kind, generation, value in found:
                counts[int(generation) if kind == "collections" else 3] += int(float(value))
    return counts


async def _healthy(server: Server, session: aiohttp.ClientSession) -> bool:
    try:
        async with session.get(f"{server.base}/healthz") as response:
            return response.status == 200
    except aiohttp.ClientError:
        return False


@contextmanager
def fresh_database(options: argparse.Namespace, folder: str) -> Iterator[str]:
    """A new SQLite file, or a throw-away PostgreSQL database dropped afterwards.

    A database of its own keeps the run apart from test suites that empty or drop the
    tables of the shared test database while the benchmark is running.
    """
    if options.database == "sqlite":
        yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        return
    name = f"workshop_bench_{secrets.token_hex(4)}"
    admin = create_engine(options.postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(options.postgres_url).set(database=name).render_as_string(False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


# --- HTTP: joining and the moderator link ----------------------------------------------------


def new_http_session() -> aiohttp.ClientSession:
    """A browser-like session with its own cookie jar (cookies of an IP host allowed)."""
    return aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        timeout=aiohttp.ClientTimeout(total=HTTP_TIMEOUT),
    )


def session_cookie(session: aiohttp.ClientSession) -> str:
    """The ``Cookie`` header value for the workshop session."""
    for cookie in session.cookie_jar:
        if cookie.key == COOKIE_NAME:
            return f"{COOKIE_NAME}={cookie.value}"
    raise RuntimeError("no session cookie was set")


async def join_phone(base: str, code: str, number: int) -> tuple[str, int]:
    """Join like a phone does; return its cookie header and the workshop id."""
    async with new_http_session() as session:
        async with session.get(f"{base}/j/{code}") as response:
            page = await response.text()
        match = CSRF_RE.search(page)
        if response.status != 200 or not match:
            raise RuntimeError(f"join page answered {response.status}")
        form = {
            "csrf_token": match.group(1),
            "display_name": f"Phone {number}",
            "organisation": "Benchmark",
        }
        async with session.post(f"{base}/j/{code}", data=form) as response:
            page = await response.text()
            if response.status != 200 or not str(response.url).endswith(f"/w/{code}"):
                raise RuntimeError(f"join answered {response.status} at {response.url}")
        return session_cookie(session), workshop_id_of(page)


def workshop_id_of(page: str) -> int:
    match = CONFIG_RE.search(page)
    if not match:
        raise RuntimeError("no page-config on the participant page")
    return int(json.loads(match.group(1))["workshop"])


async def moderator_cookie(base: str, token: str) -> str:
    """Open the secret moderator link and return the granted session cookie."""
    async with new_http_session() as session:
        async with session.get(f"{base}/m/{token}", allow_redirects=False) as response:
            if response.status != 302:
                raise RuntimeError(f"moderator link answered {response.status}")
        return session_cookie(session)


async def join_all(
    base: str, code: str, phones: int, concurrency: int
) -> list[tuple[str, int] | BaseException]:
    """Join ``phones`` phones, at most ``concurrency`` at a time; (cookie, workshop) or errors."""
    limit = asyncio.Semaphore(concurrency)

    async def one(number: int) -> tuple[str, int]:
        async with limit:
            return await join_phone(base, code, number)

    return await asyncio.gather(*(one(n) for n in range(phones)), return_exceptions=True)


# --- Socket.IO clients -----------------------------------------------------------------------


def new_client() -> socketio.AsyncClient:
    return socketio.AsyncClient(reconnection=False, handle_sigint=False)


async def connect(client: socketio.AsyncClient, base: str, cookie: str, auth: dict) -> None:
    await client.connect(
        base,
        headers={"Cookie": cookie},
        auth=auth,
        transports=["websocket"],
        wait_timeout=CONNECT_TIMEOUT,
    )


async def disconnect_all(clients: list[socketio.AsyncClient]) -> None:
    pending = [c.disconnect() for c in clients if c.connected]
    if pending:
        await asyncio.wait_for(asyncio.gather(*pending, return_exceptions=True), DISCONNECT_TIMEOUT)


# --- report ----------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return "–" if math.isnan(seconds) else f"{seconds * 1000:.0f}"


def seconds(value: float, digits: int) -> str:
    return "–" if math.isnan(value) else f"{value:.{digits}f}"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
