"""Benchmark of the async modes: how fast a phase change reaches every phone.

For each mode (eventlet, gevent, threading) this script starts the real server
(``python run.py --async-mode MODE --demo``) on 127.0.0.1 with a fresh SQLite file (or a
throw-away PostgreSQL database with ``--database postgres``), joins N phones over HTTP,
connects every phone and the moderator with python-socketio (websocket transport, one
``AsyncClient`` each, all in one asyncio loop), sends K phase changes one after another, and
reports per mode: the time until every phone had its snapshot, fan-out latency (moderator's
emit until the last phone has the matching ``phase.changed``), ack latency, missed messages,
errors and the server's RSS.

It is a measuring tool, not a test. Needs ``aiohttp`` and ``python-socketio[client]``::

    python benchmarks/async_modes.py --phones 100 --changes 20
    python benchmarks/async_modes.py --database postgres --modes eventlet gevent

Client and server share the machine, so the figures include the clients' own CPU use.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import socketio
from _harness import (
    CONNECT_TIMEOUT,
    Server,
    add_server_options,
    connect,
    disconnect_all,
    fresh_database,
    join_all,
    markdown_table,
    moderator_cookie,
    ms,
    new_client,
    new_http_session,
    percentile,
    read_log,
    rss_mb,
    seconds,
    server_errors,
    start_server,
    stop_server,
    wait_until_ready,
)

ACK_TIMEOUT = 10.0
FANOUT_TIMEOUT = 10.0
SETTLE_SECONDS = 2.0


# --- Socket.IO clients -----------------------------------------------------------------------


class FanOut:
    """Arrival times of every ``phase.changed`` version at the phones."""

    def __init__(self) -> None:
        self.phones = 0
        self.counts: dict[int, int] = defaultdict(int)
        self.last: dict[int, float] = {}
        self.complete: dict[int, asyncio.Event] = defaultdict(asyncio.Event)
        self.seen_phase: dict[int, set[str]] = defaultdict(set)

    def missing(self, version: int) -> int:
        """Phones that have not (yet) received ``version``."""
        return max(0, self.phones - self.counts[version])

    def arrived(self, payload: dict[str, Any]) -> None:
        version = int(payload.get("v", -1))
        self.counts[version] += 1
        self.last[version] = time.perf_counter()
        self.seen_phase[version].add(str(payload.get("phase")))
        if self.counts[version] >= self.phones:
            self.complete[version].set()


@dataclass
class Phone:
    """One connected phone."""

    client: socketio.AsyncClient
    snapshot_at: float | None = None
    snapshot_event: asyncio.Event = field(default_factory=asyncio.Event)


def make_phone(fanout: FanOut) -> Phone:
    phone = Phone(client=new_client())

    def on_snapshot(_data: Any) -> None:
        if phone.snapshot_at is None:
            phone.snapshot_at = time.perf_counter()
        phone.snapshot_event.set()

    phone.client.on("snapshot", on_snapshot)
    phone.client.on("phase.changed", fanout.arrived)
    return phone


async def connect_phone(phone: Phone, base: str, cookie: str, workshop: int) -> None:
    await connect(phone.client, base, cookie, {"workshop": workshop, "role": "participant"})
    await asyncio.wait_for(phone.snapshot_event.wait(), CONNECT_TIMEOUT)


async def connect_phones(
    phones: list[Phone], cookies: list[str], base: str, workshop: int
) -> tuple[float, list[Exception]]:
    """Connect all phones at once; return seconds until the last snapshot, and failures."""
    started = time.perf_counter()
    outcomes = await asyncio.gather(
        *(connect_phone(p, base, c, workshop) for p, c in zip(phones, cookies, strict=True)),
        return_exceptions=True,
    )
    failures = [o for o in outcomes if isinstance(o, Exception)]
    arrivals = [p.snapshot_at for p in phones if p.snapshot_at is not None]
    return (max(arrivals) - started if arrivals else math.nan), failures


# --- phase changes ---------------------------------------------------------------------------


@dataclass
class Changes:
    """Latencies of the phase changes, in seconds, and what went wrong."""

    sent: int = 0
    fanout: list[float] = field(default_factory=list)
    ack: list[float] = field(default_factory=list)
    versions: list[int] = field(default_factory=list)
    missed: int = 0
    failed: list[str] = field(default_factory=list)


async def change_phase(
    moderator: socketio.AsyncClient, workshop: int, phase: str, fanout: FanOut, changes: Changes
) -> None:
    """Send one ``phase.set``; record ack latency and the time until every phone has it."""
    payload = {"id": uuid.uuid4().hex, "workshop": workshop, "phase": phase}
    changes.sent += 1
    started = time.perf_counter()
    try:
        ack = await moderator.call("phase.set", payload, timeout=ACK_TIMEOUT)
    except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError) as error:
        changes.failed.append(f"phase.set: {error!r}")
        return
    changes.ack.append(time.perf_counter() - started)
    if not isinstance(ack, dict) or not ack.get("ok"):
        changes.failed.append(f"phase.set refused: {ack!r}")
        return
    version = int(ack["data"]["v"])
    changes.versions.append(version)
    try:
        await asyncio.wait_for(fanout.complete[version].wait(), FANOUT_TIMEOUT)
    except TimeoutError:
        changes.failed.append(f"v{version}: {fanout.missing(version)} phones lack it")
        return
    if fanout.seen_phase[version] != {phase}:
        changes.failed.append(f"v{version}: phones saw {sorted(fanout.seen_phase[version])}")
        return
    changes.fanout.append(fanout.last[version] - started)


async def run_changes(
    moderator: socketio.AsyncClient, workshop: int, count: int, gap: float, fanout: FanOut
) -> Changes:
    """``count`` phase changes one after another, alternating collect and lobby."""
    changes = Changes()
    for number in range(count):
        phase = "collect" if number % 2 == 0 else "lobby"
        await change_phase(moderator, workshop, phase, fanout, changes)
        await asyncio.sleep(gap)
    # Counted at the end, so a push that came after its timeout is not taken for lost.
    changes.missed = sum(fanout.missing(v) for v in changes.versions)
    return changes


# --- one mode --------------------------------------------------------------------------------


@dataclass
class Result:
    """What one mode measured."""

    mode: str
    database: str
    phones: int
    http_join_s: float = math.nan
    connect_s: float = math.nan
    connected: int = 0
    rss_idle_mb: float = 0.0
    rss_connected_mb: float = 0.0
    changes: Changes = field(default_factory=Changes)
    errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)


async def measure(server: Server, result: Result, options: argparse.Namespace) -> None:
    """Join, connect and change phases against a started server, filling ``result``."""
    async with new_http_session() as session:
        await wait_until_ready(server, session)
    result.rss_idle_mb = rss_mb(server.process.pid)

    started = time.perf_counter()
    joined = await join_all(server.base, server.code, options.phones, options.join_concurrency)
    result.http_join_s = time.perf_counter() - started
    cookies = [j[0] for j in joined if isinstance(j, tuple)]
    result.errors += [f"join: {e!r}" for e in joined if isinstance(e, BaseException)]
    if not cookies:
        raise RuntimeError("no phone could join")
    workshop = next(j[1] for j in joined if isinstance(j, tuple))

    fanout = FanOut()
    moderator = new_client()
    phones = [make_phone(fanout) for _ in cookies]
    try:
        await connect(
            moderator,
            server.base,
            await moderator_cookie(server.base, server.token),
            {"workshop": workshop, "role": "moderator"},
        )
        result.connect_s, failures = await connect_phones(phones, cookies, server.base, workshop)
        result.errors += [f"connect: {e!r}" for e in failures]
        result.connected = sum(1 for p in phones if p.snapshot_at is not None)
        result.rss_connected_mb = rss_mb(server.process.pid)
        fanout.phones = result.connected
        result.changes = await run_changes(
            moderator, workshop, options.changes, options.gap, fanout
        )
    finally:
        await disconnect_all([moderator, *(p.client for p in phones)])


async def run_mode(mode: str, options: argparse.Namespace) -> Result:
    """Start a server for ``mode`` on a fresh database, measure it, always stop it."""
    result = Result(mode=mode, database=options.database, phones=options.phones)
    with (
        tempfile.TemporaryDirectory(prefix=f"bench-{mode}-") as folder,
        fresh_database(options, folder) as database_url,
    ):
        server = start_server(mode, database_url, Path(folder) / "server.log")
        try:
            await measure(server, result, options)
            # Let the server finish the disconnect handlers before it is stopped.
            await asyncio.sleep(SETTLE_SECONDS)
        except Exception as error:
            result.errors.append(f"run: {error!r}")
        finally:
            # Errors while stopping (Ctrl+C inside a handler) are not the app's.
            result.server_errors = server_errors(server)
            stop_server(server)
            if options.keep_logs:
                kept = Path(options.keep_logs) / f"{mode}-{options.database}.log"
                kept.write_text(read_log(server))
    return result


# --- report ----------------------------------------------------------------------------------


def row(result: Result) -> list[str]:
    changes = result.changes
    fanout, acks = changes.fanout, changes.ack
    return [
        result.mode,
        result.database,
        f"{result.connected}/{result.phones}",
        seconds(result.http_join_s, 1),
        seconds(result.connect_s, 2),
        ms(statistics.median(fanout) if fanout else math.nan),
        ms(percentile(fanout, 0.95)),
        ms(max(fanout) if fanout else math.nan),
        ms(statistics.median(acks) if acks else math.nan),
        f"{len(fanout)}/{changes.sent}",
        str(changes.missed),
        str(len(result.errors) + len(changes.failed)),
        str(len(result.server_errors)),
        f"{result.rss_idle_mb:.0f}",
        f"{result.rss_connected_mb:.0f}",
    ]


HEADERS = [
    "mode",
    "db",
    "phones",
    "HTTP join s",
    "connect s",
    "fan-out p50 ms",
    "p95 ms",
    "max ms",
    "ack p50 ms",
    "changes ok",
    "missed msgs",
    "client errors",
    "server error lines",
    "RSS idle MiB",
    "RSS connected MiB",
]


def table(results: list[Result]) -> str:
    """A Markdown table of the results."""
    return markdown_table(HEADERS, [row(r) for r in results])


def details(results: list[Result]) -> Iterator[str]:
    """The first few error messages of every mode."""
    for result in results:
        messages = result.errors + result.changes.failed
        for message in messages[:5]:
            yield f"{result.mode}/{result.database} client: {message}"
        for line in result.server_errors[:5]:
            yield f"{result.mode}/{result.database} server: {line}"


# --- command line ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=100, help="phones to connect (100)")
    parser.add_argument("--changes", type=int, default=20, help="phase changes to send (20)")
    add_server_options(parser)
    parser.add_argument("--join-concurrency", type=int, default=20, help="parallel HTTP joins")
    parser.add_argument("--gap", type=float, default=0.1, help="pause between changes, s")
    parser.add_argument("--keep-logs", metavar="DIR", help="copy each server's output here")
    return parser.parse_args(argv)


async def run_all(options: argparse.Namespace) -> list[Result]:
    results = []
    for mode in options.modes:
        print(f"… {mode} on {options.database} with {options.phones} phones", flush=True)
        results.append(await run_mode(mode, options))
    return results


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    logging.basicConfig(level=logging.CRITICAL)
    results = asyncio.run(run_all(options))
    print()
    print(f"{options.phones} phones, {options.changes} phase changes, websocket transport")
    print(table(results))
    for line in details(results):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
