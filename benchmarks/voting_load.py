"""Voting load benchmark: N phones join, then vote about once a second each, for a while.

For each async mode this starts the real server (``python run.py --async-mode MODE --demo``, one
process, on a fresh SQLite file or a throw-away PostgreSQL database) and then, with the same
workload, the floor server (``benchmarks/floor_server.py``: Flask-SocketIO, same events, no
database). Against each it

1. connects a moderator (``phase.set`` goals, ``goal.create`` × G) and a projector (in a child
   process of its own, so its arrival times do not wait for the phones' event loop);
2. joins N phones like a phone does – HTTP ``GET``/``POST /j/<code>`` with the CSRF token, then a
   Socket.IO connection (python-socketio ``AsyncClient``, websocket transport, all phones in one
   asyncio loop) – at most ``--join-concurrency`` at a time, and times it until the last phone
   has its ``snapshot``;
3. creates and opens a dot round with ``live_results`` (``round.create``, ``phase.set`` vote,
   ``round.status`` open), budget and per-goal maximum 50;
4. lets every phone send ``vote.dots`` at ``--rate`` votes per second for ``--duration`` seconds,
   phone *i* starting at i/N of a period, so the votes are spread evenly;
5. checks the outcome: the moderator's ``round.preview`` and (app) the ``dot_vote`` rows against
   what each phone was acknowledged.

Several processes, as deployed (docs/deploy.md). With ``--processes K`` above 1 the app runs as
K gunicorn instances (``deploy/gunicorn.conf.py``: one async worker each, its class from
ASYNC_MODE) on a throw-away PostgreSQL database and Flask-SocketIO's Redis message queue
(``--redis-url``, emptied before each run). The database is migrated once and the demo workshop
created once before they start (as ``workshop-migrate.service`` does; gunicorn has no
``--demo``); they share one SECRET_KEY, so a cookie is valid on each. Phone *i* joins, over
HTTP and its socket, at instance i mod K, as a least-connections balancer would spread them;
the moderator is on instance 0 and the projector on instance K−1, so the tallies it times cross
the queue. The phones go straight to the instances: there is no nginx in between, so a
balancer's own cost is not measured. Only the app runs this way: the floor server has no
database or queue to share.

How vote→projector latency is exact. Phone *i* votes only on goal G[i mod G], and each vote puts
one more dot there (``dots`` = the dots its last ack confirmed + 1), so every acknowledged vote
adds exactly one dot to one goal and a goal's total only grows. Votes on one goal are sent one
at a time: a vote waits until the previous vote on its goal was acknowledged (the goal's
"baton"; phones of one goal are G/(N·rate) s apart, so it waits only when an ack is slower than
that – reported as "late"; "p99 from plan" counts from the planned time instead). The commit of
each vote therefore follows the ack of the one before, and the k-th acknowledged vote on a goal
is in a tally exactly when the tally shows ≥ k dots there, whenever the server read it. A vote's
vote→projector latency is the time from its send until the projector receives the first
``round.tally`` with ≥ k dots on its goal. A tally that arrives before the send would be a
contradiction and is counted ("inconsistent"). A vote whose ack timed out makes its goal's
count unknown: later votes on that goal are not timed (counted as errors anyway).

Lost and doubled: a phone believes the dots its last ack reported. The sum per goal must equal
``round.preview``; for the app every phone's ``dot_vote`` row must equal its belief. A dot
missing is lost, one too many doubled.

Server CPU (``/proc/<pid>/stat``) is taken over the voting burst, RSS (``/proc/<pid>/status``)
idle (moderator and projector connected), with all phones connected, and at the end;
KB/phone = (RSS connected − RSS idle) / N. With several processes these are the gunicorn
workers' figures (the process that serves, not its arbiter), summed over the instances.
``--profile DIR`` records the app server with py-spy (``pip install py-spy``) during the burst
and prints where the time goes; with several processes, instance 0's worker only.

It is a measuring tool, not a test. Needs ``aiohttp`` and ``python-socketio[client]``::

    python benchmarks/voting_load.py                        # 1,000 phones, 20 s, all modes
    python benchmarks/voting_load.py --database postgres --modes gevent --phones 500
    python benchmarks/voting_load.py --processes 2 --database postgres --modes eventlet \
        --phones 2000                                       # 2 gunicorn instances, Redis

Client and server share the machine: the figures include the clients' own CPU use, which is
reported, and which the floor pays alike.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import multiprocessing
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import socketio
from _harness import (
    CONFIG_RE,
    CONNECT_TIMEOUT,
    REPO_ROOT,
    Server,
    add_server_options,
    child_pids,
    connect,
    cpu_seconds,
    disconnect_all,
    flush_message_queue,
    fresh_database,
    gc_collections,
    join_phone,
    machine_busy_seconds,
    markdown_table,
    ms,
    new_client,
    new_http_session,
    percentile,
    prepare_database,
    read_log,
    rss_mb,
    seconds,
    server_env,
    server_errors,
    session_cookie,
    start_gunicorn,
    start_server,
    stop_server,
    wait_until_ready,
    wait_until_serving,
)
from sqlalchemy import create_engine, text

ACK_TIMEOUT = 10.0
SETTLE_SECONDS = 2.0
PROJECTOR_TIMEOUT = 60.0
#: Budget and per-goal maximum of the round: the most a phone can add to its goal, one by one.
MAX_DOTS = 50
#: A vote sent this much after its planned time counts as late.
LATE_SECONDS = 0.05
FLOOR_SCRIPT = str(REPO_ROOT / "benchmarks" / "floor_server.py")
#: Flask-SocketIO's message queue with several processes; emptied before every run.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"


def now() -> float:
    """CLOCK_MONOTONIC: the same clock in the projector's process."""
    return time.monotonic()


# --- what one run measures -------------------------------------------------------------------


@dataclass
class Vote:
    """One ``vote.dots`` a phone sent."""

    lane: int
    scheduled: float
    sent: float
    acked: float = math.nan
    ok: bool = False
    #: The k of "the k-th acknowledged vote on this goal"; 0 when not acknowledged.
    rank: int = 0
    #: False once an unanswered vote made the goal's count unknown.
    timed: bool = True


@dataclass
class Lane:
    """One goal and the phones voting on it, one vote at a time."""

    goal_id: int
    baton: asyncio.Lock = field(default_factory=asyncio.Lock)
    acked: int = 0
    exact: bool = True


@dataclass
class Phone:
    number: int
    lane: int
    #: The server process it joins and stays connected to (number mod processes).
    instance: int = 0
    cookie: str = ""
    client: socketio.AsyncClient | None = None
    participant_id: int | None = None
    snapshot: asyncio.Event = field(default_factory=asyncio.Event)
    believed: int = 0
    uncertain: bool = False


@dataclass
class Run:
    """The figures of one server (app or floor) in one mode."""

    target: str
    mode: str
    database: str
    phones: int
    processes: int = 1
    stage: str = "start"
    closing: bool = False
    broke: str = ""
    connected: int = 0
    join_s: float = math.nan
    #: Per phone: HTTP join until its snapshot.
    join_each: list[float] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    planned: int = 0
    skipped: int = 0
    ack: list[float] = field(default_factory=list)
    to_projector: list[float] = field(default_factory=list)
    #: The same, counted from the planned send time (includes waiting for the goal's baton).
    from_planned: list[float] = field(default_factory=list)
    unseen: int = 0
    inconsistent: int = 0
    tallies: int = 0
    lost: int = 0
    doubled: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    cpu_join_s: float = math.nan
    client_cpu_join_s: float = math.nan
    cpu_vote_s: float = math.nan
    client_cpu_vote_s: float = math.nan
    #: CPU the rest of the machine used meanwhile (other jobs; the projector's process).
    others_vote_s: float = math.nan
    vote_seconds: float = math.nan
    rss_idle_mb: float = 0.0
    rss_connected_mb: float = 0.0
    rss_end_mb: float = 0.0
    #: Per server process: connected phones, CPU over the burst, RSS at the end.
    phones_each: list[int] = field(default_factory=list)
    cpu_vote_each: list[float] = field(default_factory=list)
    #: Garbage collections during the burst by generation (young, middle, full), then the
    #: objects they freed; None when a server does not say (the floor).
    gc_vote: list[int] | None = None
    rss_end_each: list[float] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    profile: list[str] = field(default_factory=list)

    @property
    def server(self) -> str:
        """``app``, or ``app ×2`` for two processes, so such rows can sit side by side."""
        return server_label(self.target, self.processes)

    def error(self, kind: str, detail: str = "") -> None:
        self.errors[kind] += 1
        if detail and len(self.examples) < 8:
            self.examples.append(f"{kind}: {detail}")

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def kb_per_phone(self) -> float:
        if not self.connected or not self.rss_connected_mb:
            return math.nan
        return (self.rss_connected_mb - self.rss_idle_mb) * 1024 / self.connected


def server_label(target: str, processes: int) -> str:
    return target if processes == 1 else f"{target} ×{processes}"


# --- the projector, in a process of its own --------------------------------------------------


def projector_process(base: str, cookie: str, workshop: int, pipe: Connection) -> None:
    """Connect as projector, report ready, record every ``round.tally`` until told to stop."""
    logging.basicConfig(level=logging.CRITICAL)
    for name in ("engineio.client", "socketio.client"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    asyncio.run(_projector(base, cookie, workshop, pipe))


async def _projector(base: str, cookie: str, workshop: int, pipe: Connection) -> None:
    tallies: list[tuple[float, dict[int, int]]] = []
    # Like the browser, the projector reconnects by itself if the server drops it.
    client = socketio.AsyncClient(reconnection=True, handle_sigint=False)
    snapshot = asyncio.Event()
    client.on("snapshot", lambda _data: snapshot.set())
    client.on(
        "round.tally",
        lambda data: tallies.append((now(), {r["goal_id"]: r["dots"] for r in data["results"]})),
    )
    try:
        await connect(client, base, cookie, {"workshop": workshop, "role": "projector"})
        await asyncio.wait_for(snapshot.wait(), CONNECT_TIMEOUT)
    except Exception as error:
        pipe.send(("error", repr(error)))
        return
    pipe.send(("ready", None))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_reader(pipe.fileno(), stop.set)
    await stop.wait()
    pipe.recv()
    await disconnect_all([client])
    pipe.send(("tallies", tallies))


class Projector:
    """The parent's handle on the projector process."""

    def __init__(self, base: str, cookie: str, workshop: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipe, child = context.Pipe()
        self.process = context.Process(
            target=projector_process, args=(base, cookie, workshop, child), daemon=True
        )
        self.process.start()

    async def _receive(self, timeout: float) -> tuple[str, Any]:
        def receive() -> tuple[str, Any]:
            if not self.pipe.poll(timeout):
                raise TimeoutError("the projector did not answer")
            return self.pipe.recv()

        return await asyncio.get_running_loop().run_in_executor(None, receive)

    async def ready(self) -> None:
        kind, detail = await self._receive(PROJECTOR_TIMEOUT)
        if kind != "ready":
            raise RuntimeError(f"projector could not connect: {detail}")

    async def stop(self) -> list[tuple[float, dict[int, int]]]:
        self.pipe.send("stop")
        kind, tallies = await self._receive(PROJECTOR_TIMEOUT)
        self.process.join(5)
        return tallies if kind == "tallies" else []

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)


# --- moderator commands ----------------------------------------------------------------------


async def moderator_login(base: str, token: str) -> tuple[str, int]:
    """Open the secret moderator link; return the session cookie and the workshop id."""
    async with new_http_session() as session:
        async with session.get(f"{base}/m/{token}") as response:
            page = await response.text()
            if response.status != 200:
                raise RuntimeError(f"moderator link answered {response.status}")
        match = CONFIG_RE.search(page)
        if not match:
            raise RuntimeError("no page-config on the moderator page")
        return session_cookie(session), int(json.loads(match.group(1))["workshop"])


async def command(
    client: socketio.AsyncClient, event: str, workshop: int, with_id: bool = True, **fields: Any
) -> dict[str, Any]:
    """Send a moderator command; return its ack ``data`` or raise with the error."""
    payload = {"workshop": workshop, **fields}
    if with_id:
        payload["id"] = uuid.uuid4().hex
    ack = await client.call(event, payload, timeout=ACK_TIMEOUT)
    if not isinstance(ack, dict) or not ack.get("ok"):
        raise RuntimeError(f"{event} refused: {ack!r}")
    return ack["data"]


# --- phones ----------------------------------------------------------------------------------


def watch_connection(client: socketio.AsyncClient, who: str, run: Run) -> None:
    """Count a connection the server closed while the benchmark still used it."""

    def on_disconnect(*reason: Any) -> None:
        if not run.closing:
            run.error(f"{who} connection dropped ({', '.join(map(str, reason))})", run.stage)

    client.on("disconnect", on_disconnect)


async def join_and_connect(phone: Phone, server: Server, workshop: int, run: Run) -> None:
    """HTTP join (GET and POST with the CSRF token), then the socket, until the snapshot."""
    phone.cookie, _ = await join_phone(server.base, server.code, phone.number)
    phone.client = new_client()

    def on_snapshot(data: dict[str, Any]) -> None:
        if phone.participant_id is None:
            phone.participant_id = (data.get("me") or {}).get("id")
        phone.snapshot.set()

    phone.client.on("snapshot", on_snapshot)
    watch_connection(phone.client, "phone", run)
    auth = {"workshop": workshop, "role": "participant"}
    await connect(phone.client, server.base, phone.cookie, auth)
    await asyncio.wait_for(phone.snapshot.wait(), CONNECT_TIMEOUT)


async def join_phones(
    phones: list[Phone],
    servers: list[Server],
    workshop: int,
    options: argparse.Namespace,
    run: Run,
) -> None:
    """Join every phone at its server, ``--join-concurrency`` at a time and at most
    ``--join-rate`` per second; time it until the last snapshot."""
    limit = asyncio.Semaphore(options.join_concurrency)
    started = now()

    async def one(phone: Phone) -> None:
        if options.join_rate:
            await asyncio.sleep(max(0.0, started + phone.number / options.join_rate - now()))
        async with limit:
            began = now()
            try:
                await join_and_connect(phone, servers[phone.instance], workshop, run)
                run.join_each.append(now() - began)
            except Exception as error:
                run.error("join", repr(error))

    await asyncio.gather(*(one(phone) for phone in phones))
    run.join_s = now() - started


async def vote_loop(
    phone: Phone,
    lanes: list[Lane],
    workshop: int,
    round_id: int,
    start: float,
    options: argparse.Namespace,
    run: Run,
) -> None:
    """Send ``duration × rate`` votes, each adding one dot to the phone's goal.

    A vote that could not be sent within ``ACK_TIMEOUT`` after the burst's planned end is
    skipped (an overloaded server), so the run stays bounded.
    """
    lane = lanes[phone.lane]
    assert phone.client is not None
    deadline = start + options.duration + ACK_TIMEOUT
    for number in range(votes_per_phone(options)):
        planned = start + (phone.number / options.phones + number) / options.rate
        await asyncio.sleep(max(0.0, planned - now()))
        async with lane.baton:
            if now() > deadline:
                run.skipped += 1
                continue
            payload = {
                "id": uuid.uuid4().hex,
                "workshop": workshop,
                "round_id": round_id,
                "goal_id": lane.goal_id,
                "dots": phone.believed + 1,
            }
            vote = Vote(lane=phone.lane, scheduled=planned, sent=now(), timed=lane.exact)
            run.votes.append(vote)
            try:
                ack = await phone.client.call("vote.dots", payload, timeout=ACK_TIMEOUT)
            except Exception as error:
                # It may or may not have been applied: this goal's count is unknown from now on.
                lane.exact, phone.uncertain = False, True
                run.error("vote unanswered", repr(error))
                continue
            vote.acked = now()
            ballot = (ack.get("data") or {}).get("ballot") if isinstance(ack, dict) else None
            if not (isinstance(ack, dict) and ack.get("ok")):
                code = (ack.get("error") or {}).get("code") if isinstance(ack, dict) else ack
                run.error(f"vote refused: {code}", repr(ack))
            elif (ballot or {}).get(str(lane.goal_id)) != payload["dots"]:
                lane.exact, phone.uncertain = False, True
                run.error("vote ack with another ballot", repr(ack))
            else:
                vote.ok = True
                phone.believed = payload["dots"]
                lane.acked += 1
                vote.rank = lane.acked


def votes_per_phone(options: argparse.Namespace) -> int:
    return max(1, round(options.duration * options.rate))


# --- judging the outcome ---------------------------------------------------------------------


def projector_latencies(
    run: Run, lanes: list[Lane], tallies: list[tuple[float, dict[int, int]]]
) -> None:
    """Per acknowledged vote: send until the first tally with ≥ its rank on its goal."""
    run.tallies = len(tallies)
    for vote in run.votes:
        if vote.ok:
            run.ack.append(vote.acked - vote.sent)
    # For each goal, the arrival times and the most dots any tally had shown by then.
    seen: dict[int, tuple[list[float], list[int]]] = {}
    for index, lane in enumerate(lanes):
        times, highest, top = [], [], 0
        for arrived, dots in tallies:
            top = max(top, dots.get(lane.goal_id, 0))
            times.append(arrived)
            highest.append(top)
        seen[index] = (times, highest)
    for vote in run.votes:
        if not (vote.ok and vote.timed):
            continue
        times, highest = seen[vote.lane]
        first = _first_at_least(highest, vote.rank)
        if first is None:
            run.unseen += 1
        elif times[first] < vote.sent:
            run.inconsistent += 1
        else:
            run.to_projector.append(times[first] - vote.sent)
            run.from_planned.append(times[first] - vote.scheduled)


def _first_at_least(values: list[int], wanted: int) -> int | None:
    """Index of the first value ≥ ``wanted`` in a non-decreasing list (binary search)."""
    low, high = 0, len(values)
    while low < high:
        middle = (low + high) // 2
        if values[middle] >= wanted:
            high = middle
        else:
            low = middle + 1
    return low if low < len(values) else None


def count_lost_and_doubled(
    run: Run,
    phones: list[Phone],
    lanes: list[Lane],
    preview: list[dict[str, Any]],
    rows: dict[int, dict[int, int]] | None,
) -> None:
    """Compare the final tally (and the app's rows) with what the phones were acknowledged."""
    final = {r["goal_id"]: r["dots"] for r in preview}
    believed: dict[int, int] = defaultdict(int)
    uncertain: dict[int, int] = defaultdict(int)
    for phone in phones:
        goal = lanes[phone.lane].goal_id
        believed[goal] += phone.believed
        uncertain[goal] += phone.uncertain
    for lane in lanes:
        goal = lane.goal_id
        difference = final.get(goal, 0) - believed[goal]
        run.lost += max(0, -difference)
        run.doubled += max(0, difference - uncertain[goal])
    if rows is None:
        return
    # The database, phone by phone: exactly the acknowledged dots, on the phone's goal only.
    for phone in phones:
        if phone.participant_id is None:
            continue
        ballot = dict(rows.get(phone.participant_id, {}))
        stored = ballot.pop(lanes[phone.lane].goal_id, 0)
        run.doubled += sum(ballot.values())
        if stored < phone.believed:
            run.lost += phone.believed - stored
        elif stored > phone.believed + phone.uncertain:
            run.doubled += stored - phone.believed
    stored_total = sum(sum(b.values()) for b in rows.values())
    if stored_total != sum(final.values()):
        run.error("preview differs from the rows", f"{sum(final.values())} != {stored_total}")


def stored_ballots(database_url: str, round_id: int) -> dict[int, dict[int, int]]:
    """The app's ``dot_vote`` rows of the round: participant → goal → dots."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT participant_id, goal_id, dots FROM dot_vote WHERE round_id = :r"),
                {"r": round_id},
            )
            ballots: dict[int, dict[int, int]] = defaultdict(dict)
            for participant, goal, dots in rows:
                if dots:
                    ballots[participant][goal] = dots
            return ballots
    finally:
        engine.dispose()


# --- profiling -------------------------------------------------------------------------------


def start_profile(pid: int, path: Path) -> subprocess.Popen[bytes] | None:
    """py-spy sampling the server until :func:`stop_profile` (None without py-spy)."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        return None
    command = [py_spy, "record", "--pid", str(pid), "--rate", "100", "--nonblocking"]
    command += ["--full-filenames", "--function", "--format", "raw", "--output", str(path)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_profile(profiler: subprocess.Popen[bytes] | None, path: Path) -> list[str]:
    """Stop py-spy (it writes its file on Ctrl+C) and summarise the recording."""
    if profiler is None:
        return []
    profiler.send_signal(signal.SIGINT)
    try:
        profiler.wait(timeout=60)
    except subprocess.TimeoutExpired:
        profiler.kill()
        return ["py-spy did not stop"]
    return summarise_profile(path) if path.exists() else ["py-spy wrote nothing"]


#: Where a sample spends its time: the innermost frame whose file matches, in this order.
AREAS = (
    ("database driver", ("/sqlite3/", "/psycopg2/")),
    ("SQLAlchemy", ("/sqlalchemy/",)),
    ("logging", ("/logging/",)),
    ("pydantic", ("/pydantic/", "/pydantic_core/")),
    ("JSON", ("/json/",)),
    ("Socket.IO / engine.io", ("/socketio/", "/engineio/", "/simple_websocket/", "/wsproto/")),
    (
        "Flask",
        ("/flask/", "/flask_socketio/", "/flask_babel/", "/babel/", "/jinja2/", "/werkzeug/"),
    ),
    ("web server and green threads", ("/eventlet/", "/gevent/", "/greenlet/", "socketserver.py")),
    ("app", ("/workshop/",)),
)


def _short(frame: str) -> str:
    """``fn (/long/path/site-packages/pkg/mod.py:12)`` → ``fn (pkg/mod.py:12)``."""
    name, _, where = frame.partition(" (")
    for mark in ("site-packages/", "/lib/python3.", "/workshop/"):
        if mark in where:
            where = where.split(mark, 1)[1]
            where = where.split("/", 1)[1] if mark == "/lib/python3." else where
            where = "workshop/" + where if mark == "/workshop/" else where
            break
    return f"{name} ({where}"


def summarise_profile(path: Path, top: int = 12) -> list[str]:
    """Where a py-spy recording of the busy server went: areas, app functions, hot spots."""
    areas: Counter[str] = Counter()
    app: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples, frames = int(count), stack.split(";")
        total += samples
        own[_short(frames[-1])] += samples
        for frame in set(frames):
            if "/workshop/" in frame and "site-packages" not in frame:
                app[_short(frame)] += samples
        area = next(
            (
                name
                for frame in reversed(frames)
                for name, marks in AREAS
                if any(mark in frame for mark in marks)
            ),
            "other",
        )
        areas[area] += samples
    if not total:
        return ["no samples"]

    def share(counter: Counter[str], limit: int | None = None) -> list[str]:
        return [f"  {100 * n / total:5.1f} %  {name}" for name, n in counter.most_common(limit)]

    return [
        f"{total} samples (100 per second while the server ran Python code)",
        "by area (the innermost frame's library):",
        *share(areas),
        "app functions, including what they call:",
        *share(app, top),
        "hot spots (own samples):",
        *share(own, top),
    ]


# --- one server ------------------------------------------------------------------------------


@contextmanager
def profiling(options: argparse.Namespace, run: Run, pid: int, phase: str) -> Iterator[None]:
    """With ``--profile``, py-spy the app server while the block runs, and summarise it."""
    if not (options.profile and run.target == "app"):
        yield
        return
    processes = f"-x{run.processes}" if run.processes > 1 else ""
    path = Path(options.profile) / f"{run.mode}-{run.database}{processes}-{phase}.txt"
    profiler = start_profile(pid, path)
    try:
        yield
    finally:
        run.profile += [f"[{phase}] {line}" for line in stop_profile(profiler, path)]


async def connected(client: socketio.AsyncClient, timeout: float = 30.0) -> None:
    """Wait until a client that reconnects by itself is connected again."""
    deadline = now() + timeout
    while not client.connected and now() < deadline:
        await asyncio.sleep(0.2)


async def set_up(moderator: socketio.AsyncClient, workshop: int, goals: int) -> list[Lane]:
    """The goals to vote on, written in the goals phase like a moderator does."""
    await command(moderator, "phase.set", workshop, phase="goals")
    lanes = []
    for number in range(goals):
        data = await command(moderator, "goal.create", workshop, title=f"Ziel {number + 1}")
        lanes.append(Lane(goal_id=data["goal"]["id"]))
    return lanes


async def open_round(moderator: socketio.AsyncClient, workshop: int, lanes: list[Lane]) -> int:
    """A live dot round over the goals, opened in the vote phase; its id."""
    created = await command(
        moderator,
        "round.create",
        workshop,
        title="Benchmark",
        goal_ids=[lane.goal_id for lane in lanes],
        budget=MAX_DOTS,
        max_per_goal=MAX_DOTS,
        live_results=True,
    )
    round_id = created["round"]["id"]
    await command(moderator, "phase.set", workshop, phase="vote")
    await command(moderator, "round.status", workshop, round_id=round_id, status="open")
    return round_id


def cpu_each(servers: list[Server]) -> list[float]:
    """CPU seconds so far of each server process (gunicorn: its worker)."""
    return [cpu_seconds(server.pid) for server in servers]


def rss_each(servers: list[Server]) -> list[float]:
    """Resident MiB of each server process (gunicorn: its worker)."""
    return [rss_mb(server.pid) for server in servers]


async def measure(
    servers: list[Server], run: Run, options: argparse.Namespace, database_url: str | None
) -> None:
    """Drive the started server(s) through set-up, joins, the voting burst and the checks.

    One server: everybody is on it. Several: phone *i* on server i mod K, the moderator on the
    first and the projector on the last; CPU and RSS are summed over them.
    """
    async with new_http_session() as session:
        for server in servers:
            if server.code:  # a gunicorn instance: the demo was created before it started
                await wait_until_serving(server, session)
            else:  # run.py or the floor prints its demo once it has made it
                await wait_until_ready(server, session)
    first, last = servers[0], servers[-1]
    run.stage = "moderator"
    cookie, workshop = await moderator_login(first.base, first.token)
    moderator = socketio.AsyncClient(reconnection=True, handle_sigint=False)
    watch_connection(moderator, "moderator", run)
    await connect(moderator, first.base, cookie, {"workshop": workshop, "role": "moderator"})
    phones = [
        Phone(number=n, lane=n % options.goals, instance=n % len(servers))
        for n in range(options.phones)
    ]
    projector = Projector(last.base, cookie, workshop)
    try:
        lanes = await set_up(moderator, workshop, options.goals)
        run.stage = "projector"
        await projector.ready()
        await asyncio.sleep(1.0)
        run.rss_idle_mb = sum(rss_each(servers))

        run.stage = "join"
        cpu, client_cpu = sum(cpu_each(servers)), time.process_time()
        try:
            with profiling(options, run, first.pid, "join"):
                await asyncio.wait_for(
                    join_phones(phones, servers, workshop, options, run),
                    options.join_timeout,
                )
        except TimeoutError:
            timeout = options.join_timeout
            raise TimeoutError(f"joins not done within --join-timeout {timeout:g} s") from None
        finally:
            # Also after a timeout: how many got in, where, and what that cost.
            run.connected = sum(1 for p in phones if p.snapshot.is_set())
            run.phones_each = [
                sum(1 for p in phones if p.instance == index and p.snapshot.is_set())
                for index in range(len(servers))
            ]
            run.cpu_join_s = sum(cpu_each(servers)) - cpu
            run.client_cpu_join_s = time.process_time() - client_cpu
        if run.connected < len(phones):
            run.broke = f"join: {run.connected}/{len(phones)} phones connected"
        await asyncio.sleep(SETTLE_SECONDS)
        run.rss_connected_mb = sum(rss_each(servers))

        run.stage = "round"
        await connected(moderator)
        round_id = await open_round(moderator, workshop, lanes)

        run.stage = "voting"
        voters = [p for p in phones if p.snapshot.is_set()]
        run.planned = len(voters) * votes_per_phone(options)
        start = now() + 1.0
        gc_before = await gc_collections(servers)
        with profiling(options, run, first.pid, "vote"):
            cpu_before, client_cpu = cpu_each(servers), time.process_time()
            machine = machine_busy_seconds()
            await asyncio.wait_for(
                asyncio.gather(
                    *(vote_loop(p, lanes, workshop, round_id, start, options, run) for p in voters)
                ),
                options.duration + ACK_TIMEOUT + 30,
            )
            run.vote_seconds = now() - start
            run.cpu_vote_each = [
                after - before for after, before in zip(cpu_each(servers), cpu_before, strict=True)
            ]
            run.cpu_vote_s = sum(run.cpu_vote_each)
            run.client_cpu_vote_s = time.process_time() - client_cpu
            run.others_vote_s = (
                machine_busy_seconds() - machine - run.cpu_vote_s - run.client_cpu_vote_s
            )
        gc_after = await gc_collections(servers)
        if gc_before and gc_after:
            run.gc_vote = [
                after - before for after, before in zip(gc_after, gc_before, strict=True)
            ]
        run.rss_end_each = rss_each(servers)
        run.rss_end_mb = sum(run.rss_end_each)
        await asyncio.sleep(SETTLE_SECONDS)  # the last coalesced tallies

        run.stage = "checks"
        tallies = await projector.stop()
        await connected(moderator)
        projector_latencies(run, lanes, tallies)
        preview = await command(
            moderator, "round.preview", workshop, with_id=False, round_id=round_id
        )
        rows = stored_ballots(database_url, round_id) if database_url else None
        count_lost_and_doubled(run, voters, lanes, preview["results"], rows)
        run.stage = "done"
    finally:
        run.closing = True
        projector.kill()
        await disconnect_all([moderator, *(p.client for p in phones if p.client)])


def start_servers(
    started: list[Server],
    mode: str,
    options: argparse.Namespace,
    folder: Path,
    database_url: str | None,
) -> None:
    """Start the app (on ``database_url``) or, without a database, the floor, with the logs
    and instance folder in ``folder``. Each server joins ``started`` at once, so the caller
    stops it whatever fails next.

    One app process is ``run.py --demo``; several are gunicorn instances on one database and
    one message queue, with one secret, after the migration and the demo were made once.
    """
    if not database_url:
        log_path = folder / "server.log"
        started.append(start_server(mode, "", log_path, (FLOOR_SCRIPT,), cwd=options.app_dir))
        return
    if options.processes == 1:
        started.append(start_server(mode, database_url, folder / "server.log", cwd=options.app_dir))
        return
    flush_message_queue(options.redis_url)
    env = server_env(
        database_url,
        {"SOCKETIO_MESSAGE_QUEUE": options.redis_url, "INSTANCE_PATH": str(folder / "instance")},
    )
    code, token = prepare_database(env, options.app_dir)
    for index in range(options.processes):
        server = start_gunicorn(mode, env, folder / f"server-{index}.log", options.app_dir)
        server.code, server.token = code, token
        started.append(server)


def stop_servers(servers: list[Server], run: Run, options: argparse.Namespace) -> None:
    """Collect the servers' error lines, stop every one of them whatever fails, then keep
    their logs with ``--keep-logs`` (one per instance)."""
    several = len(servers) > 1
    try:
        for index, server in enumerate(servers):
            prefix = f"[instance {index}] " if several else ""
            run.server_errors += [prefix + line for line in server_errors(server)]
            running = server.process.poll() is None
            if server.worker and running and child_pids(server.process.pid) != [server.worker]:
                # CPU and memory were read from the worker that is gone.
                run.error("gunicorn replaced its worker", f"instance {index}")
    finally:
        for server in servers:
            stop_server(server)
    if options.keep_logs:
        for index, server in enumerate(servers):
            name = f"{run.target}-{run.mode}-{options.database}"
            name += f"-instance{index}.log" if several else ".log"
            kept = Path(options.keep_logs) / name
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_text(read_log(server))


async def run_target(target: str, mode: str, options: argparse.Namespace) -> Run:
    """Start the app or the floor for ``mode`` on a fresh database, measure, always stop it."""
    processes = options.processes if target == "app" else 1
    run = Run(
        target=target,
        mode=mode,
        database=options.database,
        phones=options.phones,
        processes=processes,
    )
    with (
        tempfile.TemporaryDirectory(prefix=f"bench-{target}-{mode}-") as folder,
        fresh_database(options, folder) if target == "app" else nullcontext() as database_url,
    ):
        servers: list[Server] = []
        try:
            start_servers(servers, mode, options, Path(folder), database_url)
            await asyncio.wait_for(
                measure(servers, run, options, database_url), options.run_timeout
            )
            await asyncio.sleep(SETTLE_SECONDS)
        except Exception as error:
            run.broke = run.broke or f"{run.stage}: {error!r}"
        finally:
            stop_servers(servers, run, options)
    return run


# --- report ----------------------------------------------------------------------------------

HEADERS = [
    "server",
    "mode",
    "db",
    "phones",
    "join s",
    "ack p50 ms",
    "p95",
    "p99",
    "vote→projector p50 ms",
    "p95",
    "p99",
    "p99 from plan",
    "votes ok",
    "late",
    "lost",
    "doubled",
    "errors",
    "CPU s",
    "RSS MiB",
    "KB/phone",
]


def row(run: Run) -> list[str]:
    ok = sum(1 for v in run.votes if v.ok)
    return [
        run.server,
        run.mode,
        run.database,
        f"{run.connected}/{run.phones}",
        seconds(run.join_s, 1),
        *(ms(percentile(run.ack, share)) for share in (0.5, 0.95, 0.99)),
        *(ms(percentile(run.to_projector, share)) for share in (0.5, 0.95, 0.99)),
        ms(percentile(run.from_planned, 0.99)),
        f"{ok}/{run.planned}",
        str(sum(1 for v in run.votes if v.sent - v.scheduled > LATE_SECONDS)),
        str(run.lost),
        str(run.doubled),
        str(run.error_count),
        seconds(run.cpu_vote_s, 1),
        f"{run.rss_end_mb:.0f}",
        seconds(run.kb_per_phone, 0),
    ]


def ratio_row(app: Run, floor: Run) -> list[str]:
    """App ÷ floor for the figures where a ratio means something."""

    def ratio(a: float, b: float) -> str:
        if math.isnan(a) or math.isnan(b) or b <= 0:
            return "–"
        return f"{a / b:.1f}×"

    cells = ["app ÷ floor", app.mode, app.database, "", ratio(app.join_s, floor.join_s)]
    for values in ((app.ack, floor.ack), (app.to_projector, floor.to_projector)):
        cells += [
            ratio(percentile(values[0], s), percentile(values[1], s)) for s in (0.5, 0.95, 0.99)
        ]
    cells.append(ratio(percentile(app.from_planned, 0.99), percentile(floor.from_planned, 0.99)))
    cells += ["", "", "", "", "", ratio(app.cpu_vote_s, floor.cpu_vote_s)]
    cells += [ratio(app.rss_end_mb, floor.rss_end_mb), ratio(app.kb_per_phone, floor.kb_per_phone)]
    return cells


def details(run: Run) -> Iterator[str]:
    """What the table leaves out: where it broke, lateness, client load, checks, errors."""
    name = f"{run.server}/{run.mode}/{run.database}"
    if run.broke:
        yield f"{name}: BROKE at {run.broke}"
    if run.processes > 1:
        yield (
            f"{name}: {run.processes} gunicorn instances, phones per instance "
            f"{', '.join(map(str, run.phones_each)) or '–'} (moderator on 0, projector on "
            f"{run.processes - 1}); worker CPU voting per instance "
            f"{', '.join(seconds(cpu, 1) for cpu in run.cpu_vote_each) or '–'} s; worker RSS at "
            f"the end {', '.join(f'{rss:.0f}' for rss in run.rss_end_each) or '–'} MiB"
        )
    late = [v.sent - v.scheduled for v in run.votes]
    yield (
        f"{name}: one phone's join (HTTP until snapshot) p50 {ms(percentile(run.join_each, 0.5))}"
        f" ms, p95 {ms(percentile(run.join_each, 0.95))} ms, max "
        f"{ms(max(run.join_each, default=math.nan))} ms"
    )
    rate = sum(1 for v in run.votes if v.ok) / run.vote_seconds if run.vote_seconds > 0 else 0
    yield (
        f"{name}: {rate:.0f} acknowledged votes/s; late > {LATE_SECONDS * 1000:.0f} ms: "
        f"{sum(1 for s in late if s > LATE_SECONDS)} (max {ms(max(late, default=math.nan))} ms); "
        f"not sent (too late) {run.skipped}; "
        f"tallies at the projector {run.tallies}; unseen {run.unseen}; inconsistent "
        f"{run.inconsistent}; server CPU joining {seconds(run.cpu_join_s, 1)} s, voting "
        f"{seconds(run.cpu_vote_s, 1)} s ({percent(run.cpu_vote_s, run.vote_seconds)}); "
        f"client CPU joining {seconds(run.client_cpu_join_s, 1)} s, voting "
        f"{seconds(run.client_cpu_vote_s, 1)} s "
        f"({percent(run.client_cpu_vote_s, run.vote_seconds)}); everything else on the machine "
        f"{percent(run.others_vote_s, run.vote_seconds).replace('of one core', 'of a core')}; "
        "RSS idle "
        f"{run.rss_idle_mb:.0f}, connected {run.rss_connected_mb:.0f}, end {run.rss_end_mb:.0f} MiB"
    )
    if run.gc_vote:
        young, middle, full, freed = run.gc_vote
        yield (
            f"{name}: garbage collections while voting: {young} young, {middle} middle, "
            f"{full} full; {freed:,} objects in reference cycles freed"
        )
    for kind, count in run.errors.most_common():
        yield f"{name}: {count} × {kind}"
    for example in run.examples[:4]:
        yield f"{name}:   e.g. {example[:300]}"
    for line in run.server_errors[:5]:
        yield f"{name} server: {line[:300]}"
    if run.server_errors:
        yield f"{name} server: {len(run.server_errors)} error lines in all"
    where = " (instance 0)" if run.processes > 1 else ""
    for line in run.profile:
        yield f"{name} profile{where}: {line}"


def percent(part: float, whole: float) -> str:
    if math.isnan(part) or math.isnan(whole) or whole <= 0:
        return "–"
    return f"{100 * part / whole:.0f} % of one core"


# --- command line ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=1000, help="phones (1000)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of voting (20)")
    parser.add_argument("--rate", type=float, default=1.0, help="votes per phone per second (1)")
    parser.add_argument("--goals", type=int, default=50, help="goals in the round (50)")
    add_server_options(parser)
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="app server processes (1: run.py; more: gunicorn instances as deployed, on "
        "PostgreSQL and the Redis message queue)",
    )
    parser.add_argument(
        "--redis-url",
        default=DEFAULT_REDIS_URL,
        help="Redis database of the message queue with --processes > 1; emptied before every "
        f"run, so give it one of its own ({DEFAULT_REDIS_URL})",
    )
    parser.add_argument(
        "--join-concurrency", type=int, default=50, help="phones joining at once (50)"
    )
    parser.add_argument(
        "--join-rate",
        type=float,
        default=0.0,
        help="phones starting to join per second (0: as fast as --join-concurrency allows)",
    )
    parser.add_argument("--join-timeout", type=float, default=120.0, help="s for all joins")
    parser.add_argument("--run-timeout", type=float, default=300.0, help="s for one server")
    parser.add_argument(
        "--servers",
        nargs="+",
        choices=("app", "floor"),
        help="what to measure in each mode (default: both, for the ratio; the app alone with "
        "--processes > 1)",
    )
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=REPO_ROOT,
        help="checkout whose run.py (--processes > 1: deploy/gunicorn.conf.py) is measured "
        "(default: this one)",
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="py-spy the app server into DIR (--processes > 1: instance 0's worker)",
    )
    parser.add_argument("--keep-logs", metavar="DIR", help="copy each server's output here")
    options = parser.parse_args(argv)
    if not 1 <= options.goals <= options.phones:
        parser.error("--goals must be between 1 and --phones")
    if votes_per_phone(options) > MAX_DOTS:
        parser.error(f"--duration × --rate may be at most {MAX_DOTS} (one dot per vote)")
    if options.processes < 1:
        parser.error("--processes must be at least 1")
    if options.processes > 1:
        if options.database != "postgres":
            parser.error("--processes > 1 needs --database postgres: the processes share it")
        if options.servers and "floor" in options.servers:
            parser.error(
                "--processes > 1 measures the app only: the floor server has no database or "
                "message queue to share (use --servers app)"
            )
    options.servers = options.servers or (["app", "floor"] if options.processes == 1 else ["app"])
    return options


async def run_all(options: argparse.Namespace) -> list[dict[str, Run]]:
    """Per mode: the app's and the floor's run, one after the other."""
    results = []
    for mode in options.modes:
        runs = {}
        for target in options.servers:
            server = server_label(target, options.processes if target == "app" else 1)
            print(
                f"… {server} in {mode} on {options.database}, {options.phones} phones", flush=True
            )
            runs[target] = await run_target(target, mode, options)
        results.append(runs)
    return results


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    logging.basicConfig(level=logging.CRITICAL)
    # Clients the server dropped are counted (watch_connection), not logged one by one.
    for name in ("engineio.client", "socketio.client"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    if options.profile:
        Path(options.profile).mkdir(parents=True, exist_ok=True)
    results = asyncio.run(run_all(options))
    print()
    print(
        f"{options.phones} phones, {options.rate:g} vote/s each for {options.duration:g} s, "
        f"{options.goals} goals, websocket transport; joining {options.join_concurrency} at a "
        f"time" + (f", {options.join_rate:g} per second" if options.join_rate else "")
    )
    if options.processes > 1:
        print(
            f"app ×{options.processes}: gunicorn instances (deploy/gunicorn.conf.py, one worker "
            "each) sharing PostgreSQL and the Redis message queue; phone i at instance i mod "
            f"{options.processes}, moderator at 0, projector at {options.processes - 1}, no "
            "balancer in front; CPU and RSS are the workers', summed"
        )
    rows = []
    for runs in results:
        rows += [row(run) for run in runs.values()]
        if len(runs) == 2:
            rows.append(ratio_row(runs["app"], runs["floor"]))
    print(markdown_table(HEADERS, rows))
    for runs in results:
        for run in runs.values():
            for line in details(run):
                print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
