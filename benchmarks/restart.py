"""After a crash: how fast do N connected phones get back? (issue 7: 1,000 within 10 s)

Starts the real server (``python run.py --demo``) on a fresh database, joins N phones like
phones do (HTTP join, then a websocket), then kills the server with SIGKILL, starts it again on
the same port, database and secret, and times until every phone has reconnected by itself and
received a fresh snapshot. The phones reconnect as the page's socket.io client does: after
about 1 s, then backing off up to 5 s, with random spread, each time with a new connection and
the phone's cookie. Prints the figures; not a test.

    python benchmarks/restart.py --phones 1000 [--modes eventlet] [--database postgres]
    python benchmarks/restart.py --app-dir ../other-checkout   # the same for another version
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import socketio
from _harness import (
    REPO_ROOT,
    add_server_options,
    connect,
    cpu_seconds,
    disconnect_all,
    fresh_database,
    join_phone,
    new_http_session,
    percentile,
    read_log,
    server_errors,
    start_server,
    stop_server,
    wait_until_ready,
)


@dataclass
class Phone:
    number: int
    cookie: str = ""
    auth: dict = field(default_factory=dict)
    client: socketio.AsyncClient | None = None
    snapshots: list[float] = field(default_factory=list)
    attempts: int = 0
    #: Set when the run ends: a phone closed by the benchmark does not come back.
    done: bool = False


async def open_socket(phone: Phone, base: str) -> None:
    """A new connection with the phone's cookie; when it drops, reconnect like the page does."""
    client = socketio.AsyncClient(reconnection=False, handle_sigint=False)
    client.on("snapshot", lambda _data: phone.snapshots.append(time.monotonic()))
    client.on(
        "disconnect",
        lambda *_reason: None if phone.done else asyncio.ensure_future(reconnect(phone, base)),
    )
    phone.client = client
    try:
        await connect(client, base, phone.cookie, phone.auth)
    except Exception:
        await client.disconnect()  # frees the client's HTTP session
        raise


async def reconnect(phone: Phone, base: str) -> None:
    """socket.io-client's schedule: 1 s, doubling up to 5 s, each ±50 % at random."""
    if phone.client is not None:
        await phone.client.disconnect()  # the dropped connection's HTTP session
    for attempt in range(60):
        await asyncio.sleep(min(5.0, 2.0**attempt) * random.uniform(0.5, 1.5))
        phone.attempts += 1
        try:
            await open_socket(phone, base)
            return
        except Exception:  # refused while the server starts: try again later
            continue


async def join_all(phones: list[Phone], base: str, code: str, concurrency: int) -> None:
    limit = asyncio.Semaphore(concurrency)

    async def one(phone: Phone) -> None:
        async with limit:
            phone.cookie, workshop = await join_phone(base, code, phone.number)
            phone.auth = {"workshop": workshop, "role": "participant"}
            await open_socket(phone, base)

    await asyncio.gather(*(one(p) for p in phones))


async def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


async def measure(mode: str, options: argparse.Namespace) -> list[str]:
    with (
        tempfile.TemporaryDirectory(prefix=f"bench-restart-{mode}-") as folder,
        fresh_database(options, folder) as database_url,
    ):
        env = {"SECRET_KEY": secrets.token_hex(32), "RATE_LIMITS": "false"}
        server = start_server(
            mode, database_url, Path(folder) / "first.log", extra_env=env, cwd=options.app_dir
        )
        phones = [Phone(n) for n in range(options.phones)]
        try:
            async with new_http_session() as session:
                await wait_until_ready(server, session)
            began = time.monotonic()
            await join_all(phones, server.base, server.code, options.join_concurrency)
            joined = time.monotonic() - began
            if not await wait_for(lambda: all(p.snapshots for p in phones), 30):
                raise RuntimeError("not every phone got its first snapshot")
            port = int(server.base.rsplit(":", 1)[1])
            server.process.kill()  # SIGKILL: no goodbye to anybody
            server.process.wait()
            killed = time.monotonic()
            server = start_server(
                mode,
                database_url,
                Path(folder) / "second.log",
                ("run.py",),
                env,
                cwd=options.app_dir,
                port=port,
            )
            cpu_start = cpu_seconds(server.process.pid)
            back = await wait_for(
                lambda: all(len(p.snapshots) >= 2 for p in phones), options.timeout
            )
            done = time.monotonic()
            cpu = cpu_seconds(server.process.pid) - cpu_start
            times = [p.snapshots[1] - killed for p in phones if len(p.snapshots) >= 2]
            errors = server_errors(server)
            return [
                mode,
                options.database,
                str(options.phones),
                f"{joined:.1f}",
                f"{len(times)}/{len(phones)}",
                f"{percentile(times, 0.5):.1f}" if times else "-",
                f"{percentile(times, 0.95):.1f}" if times else "-",
                f"{max(times):.1f}" if times else "-",
                f"{done - killed:.1f}" if back else f"> {options.timeout:.0f}",
                f"{cpu:.1f}",
                str(len(errors)),
            ]
        finally:
            for phone in phones:
                phone.done = True
            await disconnect_all([p.client for p in phones if p.client])
            stop_server(server)
            if options.keep_logs:
                Path(options.keep_logs).mkdir(parents=True, exist_ok=True)
                Path(options.keep_logs, f"restart-{mode}.log").write_text(read_log(server))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_server_options(parser)
    parser.set_defaults(modes=["eventlet"])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--join-concurrency", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=120.0, help="s to wait for everybody")
    parser.add_argument("--keep-logs", metavar="DIR")
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=REPO_ROOT,
        help="checkout whose run.py is measured (default: this one)",
    )
    options = parser.parse_args(argv)
    print(
        "| mode | db | phones | join s | back | s after kill p50 | p95 | max | all back s "
        "| server CPU s | error lines |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for mode in options.modes:
        try:
            print("| " + " | ".join(asyncio.run(measure(mode, options))) + " |", flush=True)
        except Exception as error:  # one broken mode must not hide the others
            print(f"| {mode} | {options.database} | broke: {error!r} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
